import { normaliseEmail, userDecider, userEmailDecider, userEmailStreamName, userStreamName } from '@datebook/shared-kernel';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { loadStream } from '../commandHandling/handleCommand';

/** A guest as a request names them: by address (Google Calendar's attendees[].email and .optional). */
export interface AttendeeByAddress {
  email: string;
  optional: boolean;
}

/** The addresses of a request, sorted: accounts to invite as users, and everyone else to invite by e-mail. */
export interface AddressedAttendees {
  userIDs: string[];
  externals: AttendeeByAddress[];
}

// Addresses looked up at once: a request may name 500, and each costs two stream reads.
const LOOKUPS_AT_ONCE = 16;

/**
 * The account that has confirmed exactly this address, read from the event store (UserEmail, then User) as
 * `GET /users?email=` reads it (users/userDirectory.routes.ts). Only a confirmed address counts: anyone can
 * sign up with someone else's address, and an invitation to that account would not reach the address's owner.
 */
async function confirmedAccountAt(store: EventStore, email: string): Promise<string | undefined> {
  const address = (await loadStream(store, userEmailStreamName(email), userEmailDecider)).state;
  if (address.status !== 'claimed') return undefined;
  const user = (await loadStream(store, userStreamName(address.claim.userID), userDecider)).state;
  if (user.status !== 'registered' || user.email !== normaliseEmail(email) || !user.emailVerified) return undefined;
  return user.userID;
}

/**
 * Sorts the addresses of a request. An address of a confirmed account names that user (invited as if by
 * userID); the host's own address names the host, confirmed or not (inviting yourself changes nothing);
 * any other address is an external guest, invited by e-mail (RFC 6047 iMIP). Each address counts once.
 */
export async function sortAttendeeAddresses(
  store: EventStore,
  attendees: readonly AttendeeByAddress[],
  host: { userID: string; email: string | undefined } | undefined,
): Promise<AddressedAttendees> {
  const distinct = new Map<string, AttendeeByAddress>();
  for (const attendee of attendees) {
    const email = normaliseEmail(attendee.email);
    if (!distinct.has(email)) distinct.set(email, { email, optional: attendee.optional });
  }
  const hostEmail = host?.email === undefined ? undefined : normaliseEmail(host.email);
  const sorted: AddressedAttendees = { userIDs: [], externals: [] };
  const pending = [...distinct.values()];
  for (let offset = 0; offset < pending.length; offset += LOOKUPS_AT_ONCE) {
    const chunk = pending.slice(offset, offset + LOOKUPS_AT_ONCE);
    const owners = await Promise.all(chunk.map((attendee) => (attendee.email === hostEmail ? host?.userID : confirmedAccountAt(store, attendee.email))));
    chunk.forEach((attendee, index) => {
      const owner = owners[index];
      if (owner === undefined) sorted.externals.push(attendee);
      else sorted.userIDs.push(owner);
    });
  }
  return sorted;
}
