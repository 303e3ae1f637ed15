import type { StoredEvent } from '../../events/recordedEvent';
import { streamName } from '../../streams/streamName';
import { parseUserEvent } from '../user/events';
import { decide } from './decide';
import { type EmailClaimedEvent, evolve, initialState } from './state';

/** E-mail addresses compare case-insensitively; the normal form names the UserEmail stream. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** One stream per address, in its normal form. */
export const userEmailStreamName = (email: string): string => streamName('UserEmail', normaliseEmail(email));

/** The UserEmail stream holds only EmailClaimed (of the User contract); anything else is passed over. */
export function parseUserEmailEvent(stored: StoredEvent): EmailClaimedEvent | undefined {
  const event = parseUserEvent(stored);
  return event?.type === 'EmailClaimed' ? event : undefined;
}

export const userEmailDecider = { decide, evolve, initialState, parse: parseUserEmailEvent };
