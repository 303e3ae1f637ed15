import type { EventDraft } from '@datebook/shared-kernel';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { sortAttendeeAddresses } from '../calendarEvents/attendeeAddresses';

// Addresses resolved at once: each costs two stream reads.
const LOOKUPS_AT_ONCE = 16;

/**
 * Every address a draft names (its ORGANIZER and ATTENDEEs) that an account stands for, as the REST routes
 * resolve `attendees` (calendarEvents/attendeeAddresses.ts): an address its account confirmed, and the
 * host's own address, confirmed or not. Bounded by the draft's own limits (properties per component).
 */
export async function addressedAccounts(store: EventStore, draft: EventDraft, host: { userID: string; email: string | undefined }): Promise<Map<string, string>> {
  const addresses = [...new Set([...(draft.organizer === null ? [] : [draft.organizer]), ...draft.attendees.map((attendee) => attendee.email)])];
  const accounts = new Map<string, string>();
  for (let offset = 0; offset < addresses.length; offset += LOOKUPS_AT_ONCE) {
    const chunk = addresses.slice(offset, offset + LOOKUPS_AT_ONCE);
    const sorted = await Promise.all(chunk.map((email) => sortAttendeeAddresses(store, [{ email, optional: false }], host)));
    chunk.forEach((email, index) => {
      const userID = sorted[index]?.userIDs[0];
      if (userID !== undefined) accounts.set(email, userID);
    });
  }
  return accounts;
}
