import { externalAttendeesOf } from '@datebook/shared-kernel';
import { addressRecipientID } from '../calendars/addressRecipientID';
import type { Recipient } from '../email/emailContent';
import type { UserProfile } from '../users/userDirectory';
import type { EventState } from './eventState';
import type { MessageIntent } from './whoGetsWhat';

/**
 * Guests invited by address have no account: the ledger names each by a name-based UUID of the address
 * (addressRecipientID), the same one in every process and on every redelivery, so each message to them is
 * recorded, and sent, once.
 */
export const externalGuest = (email: string): { recipient: string; toAddress: string } => ({ recipient: addressRecipientID(email), toAddress: email });

/** The ledger ids of the guests invited by address on the event. */
export const externalRecipientIDs = (state: EventState): string[] => Object.keys(externalAttendeesOf(state)).map(addressRecipientID);

const externalRecipient = (email: string, optional: boolean, timeZone: string): Recipient => ({
  userID: addressRecipientID(email), name: email, email, timeZone, optional, external: true,
});

/**
 * The guests invited by address that a command's messages name or its event lists, as recipients keyed by
 * their ledger id: named by their address, in the event's zone (they have no preferred one), optional as
 * the organizer marked them. The messages name those a command removed, whom no state after it lists.
 */
export function externalRecipients(messages: readonly MessageIntent[], before: EventState | undefined, after: EventState): Map<string, Recipient> {
  const found = new Map<string, Recipient>();
  for (const message of messages) {
    if (message.toAddress !== undefined) found.set(message.recipient, externalRecipient(message.toAddress, false, after.timeZone));
  }
  for (const state of [before, after]) {
    if (!state) continue;
    for (const [email, { optional }] of Object.entries(externalAttendeesOf(state))) found.set(addressRecipientID(email), externalRecipient(email, optional, after.timeZone));
  }
  return found;
}

/** Why a message to a guest invited by address was recorded and not mailed: whoever caused it never confirmed their own address. */
export const SENDER_UNVERIFIED = 'SENDER_UNVERIFIED';

/**
 * Nobody confirmed a guest's address, so Datebook writes to it only on behalf of someone who confirmed
 * their own (as it shares calendars with addresses): else anyone could sign up with a made-up address and
 * have Datebook mail strangers invitations worded by them.
 */
export function externalMailSkipReason(sender: UserProfile | undefined): string | undefined {
  return sender?.emailVerified === true ? undefined : SENDER_UNVERIFIED;
}
