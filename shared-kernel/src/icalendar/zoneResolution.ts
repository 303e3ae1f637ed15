import type { ExpansionBudget } from '../recurrence/expansionBudget';
import type { ICalComponent } from './components';
import { propertyOf } from './components';
import { ianaZoneName } from './ianaZoneName';
import { VTimezoneRules } from './vtimezoneRules';
import { ianaOfWindowsZone } from './windowsZones';
import { matchingIanaZone, zoneMatches } from './zoneMatching';

/** What a TZID stands for: an IANA zone, or only the offsets its VTIMEZONE lists. */
export type ResolvedZone = { kind: 'iana'; zone: string } | { kind: 'offsets'; rules: VTimezoneRules };

const YEAR = 365.2425 * 86_400_000;
/**
 * Searches of the whole tz database one file may make (each 5–10 ms, all of it on the event loop): one per
 * TZID usually suffices, as the zone found is tried first for the TZID's other years, and a TZID no zone
 * matched is not searched for again. Past it, times are read with the VTIMEZONE's offsets.
 */
const MAX_SEARCHES = 4;

/**
 * Resolves the TZIDs of one iCalendar object (RFC 5545 §3.2.19, §3.6.5), remembering each answer for the
 * file: an IANA name is itself; a Windows name (Outlook, Exchange) is its CLDR IANA zone; a path whose
 * tail is an IANA name ("/mozilla.org/20050126_1/Europe/Berlin") is that; any other TZID is matched by
 * its VTIMEZONE's offsets around the event against the tz database, else kept as those offsets alone.
 * Undefined: a TZID with neither a known name nor a readable VTIMEZONE.
 */
export class ZoneResolver {
  private readonly byName = new Map<string, ResolvedZone | undefined>();
  private readonly rules = new Map<string, VTimezoneRules | undefined>();
  private readonly matched = new Map<string, ResolvedZone>();
  private readonly lastFound = new Map<string, string>();
  /** TZIDs a search matched with no zone: their other years would most likely match none either. */
  private readonly unmatched = new Set<string>();
  private searches = 0;

  constructor(
    private readonly vtimezones: ReadonlyMap<string, ICalComponent>,
    private readonly budget?: ExpansionBudget,
  ) {}

  /** `budget`: the expansion work the file's VTIMEZONE rules may take in all. */
  static of(calendars: readonly ICalComponent[], budget?: ExpansionBudget): ZoneResolver {
    const vtimezones = new Map<string, ICalComponent>();
    for (const calendar of calendars) {
      for (const component of calendar.components) {
        const tzid = component.name === 'VTIMEZONE' ? propertyOf(component, 'TZID')?.value : undefined;
        if (tzid !== undefined && !vtimezones.has(tzid)) vtimezones.set(tzid, component);
      }
    }
    return new ZoneResolver(vtimezones, budget);
  }

  /** `around`: roughly when (epoch ms) the value lies, to match a VTIMEZONE near it. */
  resolve(tzid: string, around: number): ResolvedZone | undefined {
    if (this.byName.has(tzid)) return this.byName.get(tzid) ?? this.byOffsets(tzid, around);
    const named = namedZone(tzid);
    this.byName.set(tzid, named === undefined ? undefined : { kind: 'iana', zone: named });
    return named === undefined ? this.byOffsets(tzid, around) : { kind: 'iana', zone: named };
  }

  private byOffsets(tzid: string, around: number): ResolvedZone | undefined {
    if (!this.rules.has(tzid)) {
      const component = this.vtimezones.get(tzid);
      this.rules.set(tzid, component === undefined ? undefined : VTimezoneRules.of(component, this.budget));
    }
    const rules = this.rules.get(tzid);
    if (rules === undefined) return undefined;
    // Offsets change over the decades: matched once per TZID and year.
    const key = `${Math.floor(around / YEAR)}\u0000${tzid}`;
    let resolved = this.matched.get(key);
    if (resolved === undefined) {
      const previous = this.lastFound.get(tzid);
      let zone = previous !== undefined && zoneMatches(rules, around, previous) ? previous : undefined;
      if (zone === undefined && this.searches < MAX_SEARCHES && !this.unmatched.has(tzid)) {
        this.searches++;
        zone = matchingIanaZone(rules, around);
        if (zone === undefined) this.unmatched.add(tzid);
      }
      if (zone !== undefined) this.lastFound.set(tzid, zone);
      resolved = zone === undefined ? { kind: 'offsets', rules } : { kind: 'iana', zone };
      this.matched.set(key, resolved);
    }
    return resolved;
  }
}

function namedZone(tzid: string): string | undefined {
  const name = tzid.trim();
  const direct = ianaZoneName(name) ?? ianaOfWindowsZone(name);
  if (direct !== undefined) return direct;
  // A vendor prefix before an IANA name: try its last three, then two path segments.
  const segments = name.split('/').filter((s) => s.length > 0);
  for (const take of [3, 2]) {
    if (segments.length <= take) continue;
    const zone = ianaZoneName(segments.slice(-take).join('/'));
    if (zone !== undefined) return zone;
  }
  return undefined;
}
