import fc from 'fast-check';
import type { BusyInterval } from '../../../intervals';
import { busyFromListAnswer, busyReadDays, DAY_MS } from './busyTimeEncoding';

/** The answer's rule said plainly: every entry split out, each interval taken from the day it starts on (or the first day read). */
function reference(texts: (string | null)[], long: string[], days: string[], from: number, to: number): BusyInterval[] {
  const firstDay = Number(days[0]!.replace('=', ''));
  const parse = (entry: string) => {
    const [start, end, kind] = entry.split('|');
    return { start: Number(start), end: Number(end), kind: kind === 'b' ? 'busy' as const : 'tentative' as const };
  };
  const found: BusyInterval[] = [];
  texts.forEach((text, d) => {
    for (const entry of (text ?? '').split(' ').filter(Boolean)) {
      const i = parse(entry);
      if ((d === 0 || Math.floor(i.start / DAY_MS) === firstDay + d) && i.start < to && i.end > from) found.push(i);
    }
  });
  for (const entry of long) {
    const i = parse(entry);
    if (i.start < to && i.end > from) found.push(i);
  }
  return found.sort((a, b) => a.start - b.start);
}

describe('busyFromListAnswer', () => {
  const day0 = 20_000;
  const id = '0b8e4d9c-3f1a-4c55-9d2e-7a6b5c4d3e2f';
  const interval = fc.record({
    start: fc.integer({ min: (day0 - 1) * DAY_MS, max: (day0 + 4) * DAY_MS }),
    length: fc.integer({ min: 0, max: 3 * DAY_MS }),
    busy: fc.boolean(),
  }).map(({ start, length, busy }) => ({ start, end: start + length, text: `${start}|${start + length}|${busy ? 'b' : 't'}|${id}` }));

  it('finds what the plain split finds, for any day texts and long intervals', () => {
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 30 }), fc.integer({ min: 0, max: 3 * DAY_MS }), fc.integer({ min: 1, max: 3 * DAY_MS }), (all, offset, length) => {
        const from = day0 * DAY_MS + offset;
        const to = from + length;
        const days = busyReadDays(from, to);
        const firstDay = Number(days[0]!.replace('=', ''));
        // Filed as applyChanges.lua files them: a short interval under every day it touches, a long one in the sorted set.
        const texts: (string | null)[] = days.map(() => null);
        const long: string[] = [];
        for (const i of all) {
          if (i.end - i.start > DAY_MS) { long.push(i.text); continue; }
          for (let d = Math.floor(i.start / DAY_MS); d <= Math.floor(Math.max(i.start, i.end - 1) / DAY_MS); d++) {
            const at = d - firstDay;
            if (at >= 0 && at < days.length) texts[at] = `${texts[at] ?? ''} ${i.text}`;
          }
        }
        expect(busyFromListAnswer([1, texts, long, 's'], days, from, to)).toEqual(reference(texts, long, days, from, to));
      }),
    );
  });

  it('reads negative instants and tentative time', () => {
    const days = busyReadDays(-DAY_MS, 0);
    expect(busyFromListAnswer([1, [` -3600000|-1800000|t|${id} -7200000|-3600000|b|${id}`], [], 's'], days, -DAY_MS, 0)).toEqual([
      { start: -7_200_000, end: -3_600_000, kind: 'busy' },
      { start: -3_600_000, end: -1_800_000, kind: 'tentative' },
    ]);
  });
});
