import type { ICalComponent } from './components';
import { type ContentLine, paramOf } from './contentLines';
import type { DraftAttendee, ParticipationStatus } from './eventDraft';

const PARTSTATS: ReadonlySet<string> = new Set(['NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE']);

const address = (text: string): string | undefined => {
  const value = text.trim().toLowerCase();
  return value.length > 0 && value.length <= 320 && value.includes('@') && !/\s/.test(value) ? value : undefined;
};

/**
 * The address of a cal-address (RFC 5545 §3.3.3): a mailto: URI, trimmed and in lower case; for another
 * URI (Apple writes principal URLs and urn:uuid: values) the RFC 7986 §6.2 EMAIL parameter; else undefined.
 */
export function addressOf(property: ContentLine): string | undefined {
  const value = property.value.trim();
  if (value.slice(0, 7).toLowerCase() === 'mailto:') return address(value.slice(7));
  const email = paramOf(property, 'EMAIL');
  return email === undefined ? undefined : address(email);
}

/** ORGANIZER (RFC 5545 §3.8.4.3) and ATTENDEEs (§3.8.4.1) of a VEVENT; each address once, the first line deciding. */
export function participantsOf(event: ICalComponent): { organizer: string | null; attendees: DraftAttendee[]; lines: string[] } {
  let organizer: string | null = null;
  const attendees: DraftAttendee[] = [];
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const property of event.properties) {
    if (property.name === 'ORGANIZER') {
      lines.push(property.raw);
      organizer ??= addressOf(property) ?? null;
    } else if (property.name === 'ATTENDEE') {
      lines.push(property.raw);
      const email = addressOf(property);
      if (email === undefined || seen.has(email)) continue;
      seen.add(email);
      const partstat = (paramOf(property, 'PARTSTAT') ?? 'NEEDS-ACTION').toUpperCase();
      attendees.push({
        email,
        partstat: (PARTSTATS.has(partstat) ? partstat : 'NEEDS-ACTION') as ParticipationStatus,
        optional: (paramOf(property, 'ROLE') ?? '').toUpperCase() === 'OPT-PARTICIPANT',
      });
    }
  }
  return { organizer, attendees, lines };
}
