/**
 * The IANA zone a name denotes in this runtime's tz database, spelled as the database spells it when the
 * name differs only in case ("europe/berlin"); the name as given otherwise (an alias such as "US/Pacific"
 * stays itself, so what a client wrote is what it reads back). Undefined for no zone.
 *
 * Nothing is remembered across calls: names come from untrusted files, and a process-wide cache of them
 * would grow without bound (callers keep their own per-file map).
 */
export function ianaZoneName(name: string): string | undefined {
  if (name.length === 0 || name.length > 64) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** Every canonical zone of the tz database (as this runtime lists them). */
export function ianaZones(): readonly string[] {
  zones ??= ['UTC', ...(Intl as unknown as { supportedValuesOf(key: 'timeZone'): string[] }).supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
  return zones;
}
let zones: string[] | undefined;
