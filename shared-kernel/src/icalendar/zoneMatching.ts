import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { ianaZones } from './ianaZoneName';
import type { VTimezoneRules } from './vtimezoneRules';

const DAY = 86_400_000;
const YEAR = 365 * DAY;
const MAX_ONSETS = 12;

// One formatter per zone of the tz database (a bounded set), made when first needed: a formatter costs
// far less to make than the zone's full transition table, and matching needs only a few offsets.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** UTC offset of a zone at an instant in minutes, from the runtime's tz database. */
function offsetMinutesAt(zone: string, at: number): number {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, format);
  }
  const name = format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  if (name === 'GMT') return 0;
  const sign = name[3] === '-' ? -1 : 1;
  return sign * (Number(name.slice(4, 6)) * 60 + Number(name.slice(7, 9) || 0));
}

/** The zones Windows names map to first (one per Windows zone: the usual zone of each rule set), then every other. */
function candidatesInOrder(): string[] {
  if (ordered === undefined) {
    const primary = WINDOWS_TO_IANA_MAP.filter((entry) => entry.territory === '001').map((entry) => entry.iana[0] as string);
    ordered = [...new Set([...primary.filter((zone) => ianaZones().includes(zone)), ...ianaZones()])];
  }
  return ordered;
}
let ordered: string[] | undefined;

/** Zones whose city (last part of the name) the TZID mentions, e.g. "(UTC+01:00) Amsterdam, Berlin, Bern". */
function namedIn(tzid: string): string[] {
  const text = tzid.toLowerCase().replace(/_/g, ' ');
  return ianaZones().filter((zone) => {
    const city = zone.slice(zone.lastIndexOf('/') + 1).replace(/_/g, ' ').toLowerCase();
    return city.length > 3 && text.includes(city);
  });
}

/** Offsets a matching zone must have: at `around`, and on both sides of each onset a year around it (exactly, or within a day). */
function probesOf(rules: VTimezoneRules, around: number): { exact: [number, number][]; loose: [number, number][] } | undefined {
  const minutes = (ms: number) => Math.round(ms / 60_000);
  const onsets = rules.onsetsBetween(around - YEAR, around + YEAR);
  // Real zones change offset a few times a year at most: rules changing more often match none (and would cost one probe each).
  if (onsets.length > MAX_ONSETS) return undefined;
  const exact: [number, number][] = [[around, minutes(rules.offsetAt(around))]];
  const loose: [number, number][] = [...exact];
  for (const onset of onsets) {
    exact.push([onset.at - 1, minutes(onset.before)], [onset.at, minutes(onset.after)]);
    loose.push([onset.at - DAY, minutes(onset.before)], [onset.at + DAY, minutes(onset.after)]);
  }
  return { exact, loose };
}

const agrees = (zone: string, probes: [number, number][]) => probes.every(([at, offset]) => offsetMinutesAt(zone, at) === offset);

/** Whether `zone` (found for another time) has the VTIMEZONE's offsets around `around` too: one candidate's probes. */
export function zoneMatches(rules: VTimezoneRules, around: number, zone: string): boolean {
  const probes = probesOf(rules, around);
  return probes !== undefined && (agrees(zone, probes.exact) || agrees(zone, probes.loose));
}

/**
 * The IANA zone whose offsets are the VTIMEZONE's around `around`, for a TZID that names no known zone
 * ("Customized Time Zone", "(UTC+01:00) Amsterdam, Berlin, …"): the offsets at `around` and on both sides
 * of every onset from a year before to a year after must agree, first exactly at each onset, then within
 * a day of it (producers round transition times). Zones whose city the TZID names are tried first, then
 * those Windows zones map to, then the rest of the tz database: one pass over ~420 zones at most.
 */
export function matchingIanaZone(rules: VTimezoneRules, around: number): string | undefined {
  const probes = probesOf(rules, around);
  if (probes === undefined) return undefined;
  // Both passes begin with the offset at `around`: the zones that fail it are asked once, not twice
  // (each probe is an Intl call, tens of µs; this one rules out most of the ~420 zones).
  const [[at, offset]] = probes.exact as [[number, number]];
  const candidates = [...namedIn(rules.tzid), ...candidatesInOrder()].filter((zone) => offsetMinutesAt(zone, at) === offset);
  for (const wanted of [probes.exact, probes.loose]) {
    const match = candidates.find((zone) => agrees(zone, wanted));
    if (match !== undefined) return match;
  }
  return undefined;
}
