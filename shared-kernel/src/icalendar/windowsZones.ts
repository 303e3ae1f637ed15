import { findIana } from 'windows-iana';
import { ianaZoneName } from './ianaZoneName';

/**
 * The IANA zone of a Windows time zone name ("W. Europe Standard Time", which Outlook and Exchange write
 * as TZID), from the CLDR mapping the windows-iana package carries: its territory-neutral ("001") zone.
 */
export function ianaOfWindowsZone(name: string): string | undefined {
  for (const candidate of findIana(name.trim())) {
    const zone = ianaZoneName(candidate);
    if (zone !== undefined) return zone;
  }
  return undefined;
}
