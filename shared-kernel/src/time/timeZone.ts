const known = new Map<string, boolean>();

/** True for IANA zone names (and "UTC") that this runtime's tz database knows. */
export function isValidTimeZone(zone: string): boolean {
  const cached = known.get(zone);
  if (cached !== undefined) return cached;
  let valid = zone.length > 0 && zone.length <= 64;
  if (valid) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
    } catch {
      valid = false;
    }
  }
  known.set(zone, valid);
  return valid;
}
