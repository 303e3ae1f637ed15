import { normaliseEmail, userDecider, userEmailDecider, userEmailStreamName, userStreamName } from '@datebook/shared-kernel';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { loadStreams } from '../commandHandling/handleCommand';

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

// Addresses looked up at once: a request may name 500; each chunk is two round trips (addresses, then their accounts).
const LOOKUPS_AT_ONCE = 100;

/**
 * The accounts that have confirmed exactly these addresses (undefined for the others), read from the event store
 * (UserEmail, then User) as `GET /users?email=` reads one (users/userDirectory.routes.ts). Only a confirmed
 * address counts: anyone can sign up with someone else's address, and an invitation to that account would not
 * reach the address's owner.
 */
async function confirmedAccountsAt(store: EventStore, emails: readonly string[]): Promise<(string | undefined)[]> {
  const addresses = await loadStreams(store, emails.map(userEmailStreamName), userEmailDecider);
  const claimants = addresses.map(({ state }) => (state.status === 'claimed' ? state.claim.userID : undefined));
  const claimed = claimants.filter((userID): userID is string => userID !== undefined);
  const users = new Map((await loadStreams(store, claimed.map(userStreamName), userDecider)).map(({ state }, index) => [claimed[index]!, state]));
  return emails.map((email, index) => {
    const user = users.get(claimants[index] ?? '');
    return user?.status === 'registered' && user.email === normaliseEmail(email) && user.emailVerified ? user.userID : undefined;
  });
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
    const others = chunk.filter((attendee) => attendee.email !== hostEmail).map((attendee) => attendee.email);
    const accounts = new Map((await confirmedAccountsAt(store, others)).map((owner, index) => [others[index]!, owner]));
    const owners = chunk.map((attendee) => (attendee.email === hostEmail ? host?.userID : accounts.get(attendee.email)));
    chunk.forEach((attendee, index) => {
      const owner = owners[index];
      if (owner === undefined) sorted.externals.push(attendee);
      else sorted.userIDs.push(owner);
    });
  }
  return sorted;
}
