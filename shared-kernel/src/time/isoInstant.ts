const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** 'YYYY-MM-DDT' per UTC day number, remembered: responses repeat the same few days thousands of times. */
const dayPrefixes = new Map<number, string>();
const MAX_DAYS_REMEMBERED = 10_000;

/**
 * `new Date(ms).toISOString()`, several times faster for responses that format thousands of instants
 * (free/busy): the date part once per day, the time of day by arithmetic.
 */
export function isoInstant(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (!Number.isFinite(ms)) return new Date(ms).toISOString(); // throws RangeError, as toISOString does
    if (dayPrefixes.size >= MAX_DAYS_REMEMBERED) dayPrefixes.clear();
    prefix = new Date(day * DAY_MS).toISOString().slice(0, -13);
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(rest - s * 1000)}Z`;
}
