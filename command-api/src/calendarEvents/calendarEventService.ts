import {
  accessRoleOf,
  type CalendarAccess,
  type CalendarEventCommand,
  calendarEventDecider,
  calendarEventStreamName,
  type CalendarEventState,
  calendarReaderFromUser,
  DomainError,
  encodeConsistencyToken,
  isOccurrenceOf,
  type UserState,
} from '@datebook/shared-kernel';
import { type EventStore, readCalendars, readUserState } from '@datebook/shared-kernel/ports';
import type { Response } from 'express';
import { type CommandContext, type CommandResult, handleCommand, type LoadedStream, loadStream } from '../commandHandling/handleCommand';
import type { UserAccounts } from '../users/userAccounts';
import { type AddressedAttendees, type AttendeeByAddress, sortAttendeeAddresses } from './attendeeAddresses';

/** What the calendar-event routes share: running commands, reading state, checking input that needs I/O. */
export function calendarEventService(store: EventStore, accounts: UserAccounts) {
  return {
    store,
    /** Runs a command; `loaded`, the event as this request just read it (`current`), spares handleCommand reading it again. */
    run: (eventID: string, command: CalendarEventCommand, context: CommandContext, loaded?: LoadedStream<CalendarEventState>) =>
      handleCommand(store, calendarEventStreamName(eventID), calendarEventDecider, command, context, loaded),

    async load(eventID: string): Promise<CalendarEventState> {
      return (await this.current(eventID)).state;
    },

    /** The event's state and the version it is at (null when it does not exist). */
    async current(eventID: string): Promise<CommandResult<never, CalendarEventState>> {
      return { events: [], ...(await loadStream(store, calendarEventStreamName(eventID), calendarEventDecider)) };
    },

    /** A value only the store knows for this series (its first stored event's id): never shown to clients. */
    async seriesSecret(eventID: string): Promise<string> {
      const { events } = await store.readStream(calendarEventStreamName(eventID));
      const first = events[0];
      if (!first) throw new DomainError('EVENT_NOT_FOUND', 'no such event');
      return first.eventID;
    },

    async requireKnownUsers(userIDs: string[] | undefined, path: string): Promise<void> {
      const unknown = await accounts.unknownUsers(userIDs ?? []);
      if (unknown.length > 0) {
        const fields = unknown.map((id) => ({ path: `${path}.${(userIDs ?? []).indexOf(id)}`, message: `no user ${id}` }));
        throw new DomainError('UNKNOWN_USERS', 'some invited users do not exist', fields);
      }
    },

    /**
     * The guests a request names by address, sorted into accounts (by their confirmed address) and everyone
     * else (see sortAttendeeAddresses). `hostID` is the event's host, whose own address invites nobody.
     */
    async addressedAttendees(attendees: readonly AttendeeByAddress[] | undefined, hostID: string | undefined, hostAccount?: Promise<UserState>): Promise<AddressedAttendees> {
      if (attendees === undefined || attendees.length === 0) return { userIDs: [], externals: [] };
      const host = hostID === undefined ? undefined : await (hostAccount ?? this.account(hostID));
      return sortAttendeeAddresses(store, attendees, host?.status === 'registered' ? { userID: host.userID, email: host.email } : undefined);
    },

    /** A person's account as of now (a fold kept in memory, caught up by one read): read once per request, then shared. */
    account(userID: string): Promise<UserState> {
      return readUserState(store, userID);
    },

    /**
     * The actor's role on a calendar ('primary' is their own), read from the calendar's rules in the store (the
     * calendar with its owner's account, in one round trip). Who the actor is is read meanwhile (`actor`: their
     * account, when the request is reading it already).
     */
    async accessTo(calendarID: string, actorID: string, actor?: Promise<UserState>): Promise<CalendarAccess> {
      const id = calendarID === 'primary' ? actorID : calendarID;
      const [[calendar], account] = await Promise.all([readCalendars(store, [id]), actor ?? this.account(actorID)]);
      return { calendarID: id, role: accessRoleOf(calendar!.state, calendarReaderFromUser(account, actorID)) };
    },

    /** The actor's role on the calendar the event is on (none when there is no such event: the decider answers 404). */
    async accessToEventOf(state: CalendarEventState, actorID: string, actor?: Promise<UserState>): Promise<CalendarAccess> {
      if (state.status === 'absent') return { calendarID: '', role: 'none' };
      return this.accessTo(state.calendarID, actorID, actor);
    },

    async zoneOf(userID: string, account?: Promise<UserState>): Promise<string> {
      const user = await (account ?? this.account(userID));
      return user.status === 'registered' ? user.timeZone : 'UTC';
    },
  };
}

export type CalendarEventService = ReturnType<typeof calendarEventService>;

/** Sets ETag and X-Consistency-Token and gives the body every write answers with. */
export function writeReply(res: Response, eventID: string, result: CommandResult<unknown, CalendarEventState>) {
  const { headers, body } = writtenReply(eventID, result);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  return body;
}

/** What every write answers: the new version (as ETag and in the body) and a token to read it with. */
export function writtenReply(eventID: string, result: CommandResult<unknown, CalendarEventState>) {
  const version = result.version ?? 0;
  const consistencyToken = encodeConsistencyToken({ streamName: calendarEventStreamName(eventID), version });
  return { headers: { ETag: `"${version}"`, 'X-Consistency-Token': consistencyToken }, body: { eventID, version, consistencyToken } };
}

/** Reads an occurrence's original start from the URL: an RFC 3339 instant (or basic `20300610T070000Z`), or a date for all-day series. */
export function originalStartOf(value: string, allDay: boolean): string {
  const basic = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(value);
  const text = basic ? (basic[4] ? `${basic[1]}-${basic[2]}-${basic[3]}T${basic[4]}:${basic[5]}:${basic[6]}Z` : `${basic[1]}-${basic[2]}-${basic[3]}`) : value;
  if (allDay && /^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const instant = Date.parse(text);
  if (!allDay && /T/.test(text) && !Number.isNaN(instant)) return new Date(instant).toISOString();
  throw new DomainError('VALIDATION_FAILED', 'originalStartTime must be the occurrence’s original start', [
    { path: 'originalStartTime', message: allDay ? 'expected a date YYYY-MM-DD' : 'expected an RFC 3339 instant' },
  ]);
}

/** Exceptions whose original start is no longer an occurrence of the (changed) series: reported, not lost. */
export function unmatchedExceptions(state: CalendarEventState): string[] {
  if (state.status === 'absent') return [];
  return Object.keys(state.exceptions).filter((key) => !isOccurrenceOf(state, key));
}
