import { randomUUID } from 'node:crypto';
import {
  addressPrincipalID,
  type CalendarEventCommand,
  calendarEventDecider,
  calendarEventStreamName,
  type CalendarEventState,
  commandKeyOf,
  DomainError,
  externalAttendeesOf,
  iCalSequenceOf,
  iCalUIDOf,
  type InvitationResponse,
  isOccurrenceOf,
  isRecurring,
  normaliseEmail,
  type RecordedEvent,
  type ReplyAddresses,
  type ReplyToken,
  type SequencedEvent,
  userDecider,
  userEmailDecider,
  userEmailStreamName,
  userStreamName,
} from '@datebook/shared-kernel';
import { type EventStore, foldStored } from '@datebook/shared-kernel/ports';
import { handleCommand, loadStream } from '../commandHandling/handleCommand';
import { calendarPartOf } from './calendarPart';
import { ItipReadError, type ItipMessage, readItipMessage } from './itipReplyReader';
import { originalStartOf } from './recurrenceIDs';
import { refuse, type RefusalReason, ReplyRefused } from './replyRefusal';

export type ReplyOutcome =
  /** Recorded (or already so: the same answer twice records one). */
  | { kind: 'recorded'; eventID: string; attendee: 'account' | 'external'; changed: boolean }
  /** Never applied; the same message would be refused again. */
  | { kind: 'refused'; reason: RefusalReason; detail: string; eventID?: string }
  /** Could not be applied now (the store is down, others keep changing the event): the sender should retry. */
  | { kind: 'retry'; error: unknown; eventID?: string };

/** A REPLY as Datebook applies it: one attendee, one answer per VEVENT (the series, or an occurrence). */
interface Reply {
  uid: string;
  zones: ItipMessage['zones'];
  attendee: string;
  answers: { sequence: number; recurrenceID: NonNullable<ItipMessage['events'][number]['recurrenceID']> | null; partstat: string | null }[];
}

const RESPONSE: Record<string, InvitationResponse> = { ACCEPTED: 'ACCEPT', DECLINED: 'DECLINE', TENTATIVE: 'TENTATIVE' };
// Account attendees whose addresses are read to tell a misdirected token from a forged one (only on refusal).
const MAX_ADDRESS_LOOKUPS = 500;
const LOOKUPS_AT_ONCE = 16;

/** RFC 5546 §3.2.3: METHOD:REPLY, every VEVENT of one UID with exactly one ATTENDEE, the same one. */
function replyOf(message: ItipMessage): Reply {
  if (message.method === 'COUNTER') refuse('COUNTER_NOT_ACCEPTED', 'METHOD:COUNTER (a proposed new time) is not taken by mail');
  if (message.method !== 'REPLY') refuse('NOT_A_REPLY', `METHOD:${message.method ?? '(none)'}`);
  const [first] = message.events;
  if (!first) return refuse('MALFORMED_REPLY', 'no VEVENT');
  const uid = first.uid;
  if (uid === null) return refuse('MALFORMED_REPLY', 'a VEVENT without UID');
  const attendee = first.attendees[0]?.address;
  for (const event of message.events) {
    if (event.uid !== uid) refuse('MALFORMED_REPLY', 'VEVENTs of different UIDs');
    if (event.attendees.length !== 1) refuse('MALFORMED_REPLY', `a VEVENT with ${event.attendees.length} ATTENDEEs (a REPLY names exactly one)`);
    if (event.attendees[0]?.address !== attendee) refuse('MALFORMED_REPLY', 'VEVENTs answering for different attendees');
  }
  if (attendee === undefined) return refuse('MALFORMED_REPLY', 'no ATTENDEE');
  return { uid, attendee, zones: message.zones, answers: message.events.map((e) => ({ sequence: e.sequence, recurrenceID: e.recurrenceID, partstat: e.attendees[0]?.partstat ?? null })) };
}

/** A stream's events as the SEQUENCE fold reads them: parsed, numbered from 0, each with its command. */
export const sequencedEventsOf = (events: readonly RecordedEvent[], firstVersion: number): SequencedEvent[] =>
  events.map((recorded) => ({ event: calendarEventDecider.parse(recorded), position: recorded.streamVersion - firstVersion, command: commandKeyOf(recorded.metadata) }));

/** The event's state, version and current SEQUENCE (the one its latest REQUEST or CANCEL carried), from one read. */
async function eventWithSequence(store: EventStore, eventID: string) {
  const { events, currentVersion } = await store.readStream(calendarEventStreamName(eventID));
  const state = foldStored(calendarEventDecider, calendarEventDecider.initialState(), events);
  return { state, version: currentVersion, sequence: iCalSequenceOf(sequencedEventsOf(events, store.firstVersion)) };
}

/** The account at this address (its UserEmail claim, and still its address), or undefined. */
async function accountAt(store: EventStore, email: string): Promise<string | undefined> {
  const claim = (await loadStream(store, userEmailStreamName(email), userEmailDecider)).state;
  if (claim.status !== 'claimed') return undefined;
  const user = (await loadStream(store, userStreamName(claim.claim.userID), userDecider)).state;
  return user.status === 'registered' && normaliseEmail(user.email) === normaliseEmail(email) ? user.userID : undefined;
}

/** Who answers: an account on the guest list (the same command as PATCH /events/:id/invitations), else a guest invited by address. */
async function answererOf(store: EventStore, state: Exclude<CalendarEventState, { status: 'absent' }>, email: string): Promise<{ kind: 'account'; userID: string } | { kind: 'external' }> {
  const userID = await accountAt(store, email);
  if (userID !== undefined && state.attendees[userID] !== undefined) {
    if (userID === state.hostID) refuse('NOT_AN_ATTENDEE', 'the organizer does not answer their own invitation');
    return { kind: 'account', userID };
  }
  if (externalAttendeesOf(state)[email] !== undefined) return { kind: 'external' };
  return refuse('NOT_AN_ATTENDEE', 'the address is not on the guest list');
}

/** Every address on the event: its guests invited by address, and (up to a bound) its account attendees'. */
async function addressesOn(store: EventStore, state: Exclude<CalendarEventState, { status: 'absent' }>): Promise<string[]> {
  const userIDs = Object.keys(state.attendees).slice(0, MAX_ADDRESS_LOOKUPS);
  const found = Object.keys(externalAttendeesOf(state));
  for (let offset = 0; offset < userIDs.length; offset += LOOKUPS_AT_ONCE) {
    const users = await Promise.all(userIDs.slice(offset, offset + LOOKUPS_AT_ONCE).map((id) => loadStream(store, userStreamName(id), userDecider)));
    for (const { state: user } of users) if (user.status === 'registered') found.push(user.email);
  }
  return found;
}

/** A DomainError of the decider, as a refusal; undefined for the ones a retry may get past. */
function refusalOf(error: DomainError): ReplyRefused | undefined {
  if (error.code === 'CONCURRENCY_CONFLICT') return undefined;
  if (error.fieldErrors.some((field) => field.path === 'originalStartTime')) return new ReplyRefused('NO_SUCH_OCCURRENCE', error.message);
  if (error.code === 'EVENT_CANCELLED') return new ReplyRefused('EVENT_CANCELLED', error.message);
  return new ReplyRefused('NOT_AN_ATTENDEE', `${error.code}: ${error.message}`);
}

/**
 * Answers by mail (inbound iMIP, RFC 6047; iTIP REPLY, RFC 5546 §3.2.3), each arriving at the reply address
 * the invitation named. A message is applied only when its token was made for this event and for the one
 * attendee the REPLY names, its UID is the event's and its SEQUENCE the current one; then each answer runs
 * the very command an answer in the app runs, so it is recorded once however often it arrives.
 */
export function inboundReplies(deps: { store: EventStore; replyAddresses: ReplyAddresses; clock: () => Date }) {
  const { store, replyAddresses } = deps;

  /** Why a token does not fit the REPLY's attendee: made for another attendee of the event, or for none. */
  async function misfit(token: ReplyToken, attendee: string): Promise<never> {
    const { state } = await eventWithSequence(store, token.eventID);
    if (state.status !== 'absent') {
      const others = (await addressesOn(store, state)).filter((address) => normaliseEmail(address) !== attendee);
      if (others.some((address) => replyAddresses.isFor(token, address))) refuse('WRONG_ATTENDEE', 'the REPLY names another attendee than the one this address was made for');
    }
    return refuse('FORGED_TOKEN', 'the reply address was made for no attendee of its event');
  }

  async function apply(token: ReplyToken, message: Buffer): Promise<ReplyOutcome> {
    const calendar = await calendarPartOf(message).catch((error: unknown) => refuse('NOT_ITIP', `the message does not parse: ${String(error).slice(0, 200)}`));
    if (calendar === undefined) refuse('NOT_ITIP', 'no text/calendar part');
    let itip: ItipMessage;
    try {
      itip = readItipMessage(calendar);
    } catch (error) {
      if (error instanceof ItipReadError) return refuse('UNREADABLE_CALENDAR', error.reason);
      throw error;
    }
    const reply = replyOf(itip);
    if (!replyAddresses.isFor(token, reply.attendee)) await misfit(token, reply.attendee);

    const { state, version, sequence } = await eventWithSequence(store, token.eventID);
    if (state.status === 'absent') return refuse('UNKNOWN_EVENT', 'no such event');
    if (reply.uid !== iCalUIDOf(state)) refuse('UID_MISMATCH', "the VEVENT's UID is not the event's");
    if (state.status === 'cancelled') refuse('EVENT_CANCELLED', 'the event was cancelled');
    for (const answer of reply.answers) {
      // RFC 5546 §2.1.5: an answer to an older version of the event is stale; the attendee has the newer request.
      if (answer.sequence < sequence) refuse('STALE_SEQUENCE', `SEQUENCE ${answer.sequence}, the event is at ${sequence}`);
      if (answer.sequence > sequence) refuse('UNKNOWN_SEQUENCE', `SEQUENCE ${answer.sequence}, the event is at ${sequence}`);
      if (answer.partstat === null || RESPONSE[answer.partstat] === undefined) refuse('UNSUPPORTED_PARTSTAT', `PARTSTAT ${answer.partstat ?? '(none)'}`);
    }
    const answerer = await answererOf(store, state, reply.attendee);
    const commands: CalendarEventCommand[] = reply.answers.map((answer) => {
      const response = RESPONSE[answer.partstat as string] as InvitationResponse;
      const originalStart = answer.recurrenceID === null ? undefined : originalStartOf(answer.recurrenceID, state, reply.zones);
      if (answer.recurrenceID !== null && (originalStart === undefined || !isRecurring(state) || !(originalStart in state.exceptions || isOccurrenceOf(state, originalStart)))) {
        // Checked for every answer before any is recorded, so a message is applied whole or not at all.
        refuse('NO_SUCH_OCCURRENCE', `RECURRENCE-ID ${answer.recurrenceID.value.slice(0, 40)} names no occurrence of this series`);
      }
      if (answerer.kind === 'external') {
        // The domain keeps one answer per guest invited by address, for the whole event.
        if (originalStart !== undefined) refuse('NO_SUCH_OCCURRENCE', 'a guest invited by address answers for the whole event only');
        return { type: 'RecordExternalResponse', data: { eventID: state.eventID, email: reply.attendee, response } };
      }
      return { type: 'RespondToInvitation', data: { eventID: state.eventID, userID: answerer.userID, response, ...(originalStart === undefined ? {} : { originalStart }) } };
    });
    const actorID = answerer.kind === 'account' ? answerer.userID : addressPrincipalID(reply.attendee);
    // One correlation id for the message: its answers are one command each, all the same answerer's.
    const correlationId = `imip-${randomUUID()}`;
    let loaded: { state: CalendarEventState; version: number | null } | undefined = { state, version };
    let changed = false;
    for (const command of commands) {
      const result = await handleCommand(store, calendarEventStreamName(state.eventID), calendarEventDecider, command, { actorID, now: deps.clock(), correlationId }, loaded);
      changed ||= result.events.length > 0;
      loaded = undefined;
    }
    return { kind: 'recorded', eventID: state.eventID, attendee: answerer.kind, changed };
  }

  return {
    /** Whether an envelope recipient is a reply address of ours in form (RCPT TO is refused otherwise). */
    accepts(recipient: string): boolean {
      return replyAddresses.parse(recipient) !== undefined;
    },

    /** Applies the message sent to `recipient`; never throws. */
    async receive(recipient: string, message: Buffer): Promise<ReplyOutcome> {
      const token = replyAddresses.parse(recipient);
      if (!token) return { kind: 'refused', reason: 'FORGED_TOKEN', detail: 'not a reply address' };
      try {
        return await apply(token, message);
      } catch (error) {
        const refusal = error instanceof ReplyRefused ? error : error instanceof DomainError ? refusalOf(error) : undefined;
        if (refusal) return { kind: 'refused', reason: refusal.reason, detail: refusal.detail, eventID: token.eventID };
        return { kind: 'retry', error, eventID: token.eventID };
      }
    },
  };
}

export type InboundReplies = ReturnType<typeof inboundReplies>;
