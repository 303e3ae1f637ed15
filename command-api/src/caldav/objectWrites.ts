import {
  atLeast, type CalendarAccess, type CalendarEventCommand, calendarEventDecider, type CalendarEventState, calendarEventStreamName, DEFAULT_EXPANSION_BUDGET, DEFAULT_REMINDERS,
  encodeConsistencyToken, type EventDraft, eventIDForICalUID, ICalendarSyntaxError, MAX_OVERRIDES_PER_EVENT, parseCalendarObjects, type WrittenVersion,
} from '@datebook/shared-kernel';
import { caldavPrecondition, DavError, davName, needPrivileges, noUidConflict, readRequestBody } from '@datebook/shared-kernel/dav';
import { readCalendar } from '@datebook/shared-kernel/ports';
import type { Request, Response } from 'express';
import type { CalendarEventService } from '../calendarEvents/calendarEventService';
import { type CommandContext, handleCommand, type LoadedStream } from '../commandHandling/handleCommand';
import type { UserAccounts } from '../users/userAccounts';
import type { CalendarObjectLookup } from './calendarObjectLookup';
import { collectionHref, objectHref } from './davWriteTargets';
import { planEventWrites } from '../icalendarWrites';
import { addressedAccounts } from './addressedAccounts';
import { checkPreconditions } from './preconditions';

/** The largest calendar object a PUT takes (CALDAV:max-resource-size, RFC 4791 §5.2.5). */
export const MAX_RESOURCE_SIZE = 1024 * 1024;

/**
 * What reading one resource may cost, all of it on the event loop before the PUT can answer: one event and its
 * overrides, a few thousand content lines (a microsecond each to read), and the expansion work of checking one
 * series whole plus its overrides (the domain's own budget for one series, twice).
 */
const RESOURCE_LIMITS = {
  maxInputOctets: MAX_RESOURCE_SIZE,
  maxEvents: MAX_OVERRIDES_PER_EVENT + 1,
  maxContentLines: 10_000,
  maxRecurrenceSteps: 2 * DEFAULT_EXPANSION_BUDGET,
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text: RFC 5545 §3.1.4 (and RFC 4791 §5.3.2) text is UTF-8; other bytes are refused, not replaced. */
function textOf(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw caldavPrecondition(400, 'valid-calendar-data', 'the calendar object is not UTF-8 text');
  }
}

export interface ObjectWriteDependencies {
  events: CalendarEventService;
  lookup: CalendarObjectLookup;
  accounts: UserAccounts;
  /** Resolves once the collections' listings show this write, or after their bound. */
  listed: (written: WrittenVersion) => Promise<void>;
}

/**
 * What a write answers with: the consistency token the REST writes give, so a read can wait for this write.
 * No ETag: what is stored is not the bytes the client sent (Datebook adds ORGANIZER, DTSTAMP, SEQUENCE, …),
 * and a client given an ETag would keep its own copy as the server's (RFC 4791 §5.3.4: MUST NOT); without
 * one it reads the resource back (GET answers the strong ETag).
 */
function written(res: Response, eventID: string, version: number): void {
  res.setHeader('X-Consistency-Token', encodeConsistencyToken({ streamName: calendarEventStreamName(eventID), version }));
}

async function answered(res: Response, deps: ObjectWriteDependencies, written: WrittenVersion): Promise<void> {
  res.setHeader('X-Consistency-Token', encodeConsistencyToken(written));
  await deps.listed(written);
}

const conditions = (req: Request) => ({
  ifMatch: typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined,
  ifNoneMatch: typeof req.headers['if-none-match'] === 'string' ? req.headers['if-none-match'] : undefined,
});

/** The one event of a calendar object resource (RFC 4791 §4.1: one UID per resource, VEVENTs only here). */
function singleDraft(text: string, timeZone: string): EventDraft {
  let parsed: ReturnType<typeof parseCalendarObjects>;
  try {
    parsed = parseCalendarObjects(text, { ...RESOURCE_LIMITS, defaultTimeZone: timeZone });
  } catch (error) {
    if (error instanceof ICalendarSyntaxError) throw caldavPrecondition(400, 'valid-calendar-data', error.message);
    throw error;
  }
  const uids = new Set([...parsed.drafts.map((draft) => draft.uid), ...parsed.skipped.map((skip) => skip.uid ?? '')]);
  if (uids.size > 1) throw caldavPrecondition(400, 'valid-calendar-object-resource', 'a calendar object resource holds one event (one UID) with its overrides');
  const skipped = parsed.skipped[0];
  if (skipped) throw caldavPrecondition(400, 'valid-calendar-data', `line ${skipped.line}: ${skipped.reason}`);
  const draft = parsed.drafts[0];
  if (!draft) throw caldavPrecondition(403, 'supported-calendar-component', 'a calendar here holds events (VEVENT)');
  return draft;
}

/**
 * Runs the planned commands in order, each through the REST routes' own deciders (handleCommand), the first
 * conditional on If-Match; each next one starts from the state the one before left (re-read only when the
 * append meets a concurrent change), so a plan of many commands (EXDATEs cancelling occurrences) costs one
 * append each, not one read of the whole stream each. Answers the stream's version after the last.
 */
async function runPlan(eventID: string, commands: CalendarEventCommand[], current: LoadedStream<CalendarEventState>, context: CommandContext, store: CalendarEventService['store']): Promise<number> {
  const { expectedVersion: _conditional, ...unconditional } = context;
  let loaded = current;
  for (const [index, command] of commands.entries()) {
    const result = await handleCommand(store, calendarEventStreamName(eventID), calendarEventDecider, command, index === 0 ? context : unconditional, loaded);
    loaded = { state: result.state, version: result.version };
  }
  // Nothing planned for an event that never was: only a cancelled one (STATUS:CANCELLED) asks for nothing new.
  if (loaded.version === null) throw caldavPrecondition(403, 'valid-calendar-object-resource', 'a cancelled event that does not exist here is not kept');
  return loaded.version;
}

/**
 * PUT of `<name>.ics` (RFC 4791 §5.3.2): the event whose UID the body names, created or replaced as commands
 * like any other (planEventWrites, mode 'caldav', then the REST routes' deciders through handleCommand: the
 * same events, audit history and mail). Writers and owners of the collection's calendar change the event
 * (RFC 6638 implicit scheduling: the organizer's ATTENDEEs invite, by account or by address); in a person's
 * own primary collection their copy of an invitation answers it (RFC 6638 §3.2.2: PARTSTAT, alarms). A reader
 * gets 403 DAV:need-privileges, a stranger 404.
 */
export async function putObject(deps: ObjectWriteDependencies, req: Request, res: Response, target: { calendarID: string; name: string }, context: CommandContext): Promise<void> {
  const { calendarID } = target;
  const actorID = context.actorID;
  const access = await deps.events.accessTo(calendarID, actorID);
  if (access.role === 'none') throw new DavError(404, 'no such calendar');
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'text/calendar') throw caldavPrecondition(415, 'supported-calendar-data', 'send the resource as text/calendar');
  if (!atLeast(access.role, 'writer')) {
    const known = await deps.lookup.find(calendarID, target.name);
    throw needPrivileges(known?.exists ? objectHref(calendarID, target.name) : collectionHref(calendarID), davName(known?.exists ? 'write-content' : 'bind'));
  }
  const calendar = await readCalendar(deps.events.store, calendarID);
  const timeZone = calendar.state.status === 'absent' || calendar.state.status === 'deleted' ? 'UTC' : calendar.state.timeZone;
  const draft = singleDraft(textOf(await readRequestBody(req, MAX_RESOURCE_SIZE)), timeZone);
  const found = await deps.lookup.find(calendarID, draft.uid);
  // Resources are named by their UID here: a UID another name already holds is that resource's (RFC 4791 §5.3.2.1).
  if (found?.exists && target.name !== draft.uid) throw noUidConflict(objectHref(calendarID, draft.uid));
  const { expectedVersion } = checkPreconditions(conditions(req), { exists: found?.exists ?? false, version: found?.version ?? null });
  // Someone else's invitation in a primary collection one may write is not one's own to answer.
  if (found?.invitation && calendarID !== actorID) throw needPrivileges(objectHref(calendarID, draft.uid), davName('write-content'), 'this is someone else’s invitation');

  const eventID = found?.eventID ?? eventIDForICalUID(calendarID, draft.uid);
  const current = found ?? { ...(await deps.events.current(eventID)), eventID };
  const hostID = current.state.status === 'absent' ? actorID : current.state.hostID;
  const [actor, host] = await Promise.all([deps.accounts.readUser(actorID), deps.accounts.readUser(hostID)]);
  const plan = planEventWrites({
    calendarID, actorID, access: { calendarID, role: access.role } satisfies CalendarAccess, current: current.state, draft, mode: 'caldav',
    accountsByEmail: await addressedAccounts(deps.events.store, draft, { userID: hostID, email: host.status === 'registered' ? host.email : undefined }),
    defaultReminders: actor.status === 'registered' ? (actor.defaultReminders ?? DEFAULT_REMINDERS) : DEFAULT_REMINDERS,
  });
  const version = await runPlan(eventID, plan.commands, { state: current.state, version: current.version }, expectedVersion === undefined ? context : { ...context, expectedVersion }, deps.events.store);
  written(res, eventID, version);
  await deps.listed({ streamName: calendarEventStreamName(eventID), version });
  if (found?.exists) {
    res.status(204).end();
    return;
  }
  res.status(201).location(objectHref(calendarID, draft.uid)).end();
}

/**
 * DELETE of `<name>.ics`: the event's writers cancel it (as DELETE /events/:id); a guest deleting it from their
 * own primary collection declines it (RFC 6638 §3.2.3). If-Match is honoured; a reader gets 403, a stranger 404.
 */
export async function deleteObject(deps: ObjectWriteDependencies, req: Request, res: Response, target: { calendarID: string; name: string }, context: CommandContext): Promise<void> {
  const { calendarID } = target;
  const access = await deps.events.accessTo(calendarID, context.actorID);
  if (access.role === 'none') throw new DavError(404, 'no such calendar');
  const found = await deps.lookup.find(calendarID, target.name);
  const href = objectHref(calendarID, target.name);
  if (!atLeast(access.role, 'writer')) throw needPrivileges(found?.exists ? collectionHref(calendarID) : href, davName('unbind'));
  if (!found?.exists) throw new DavError(404, 'no such resource');
  const { expectedVersion } = checkPreconditions(conditions(req), found);
  const conditional = expectedVersion === undefined ? context : { ...context, expectedVersion };
  if (found.invitation) {
    if (calendarID !== context.actorID) throw needPrivileges(href, davName('unbind'), 'this is someone else’s invitation');
    const declined = await deps.events.run(found.eventID, { type: 'RespondToInvitation', data: { eventID: found.eventID, userID: context.actorID, response: 'DECLINE' } }, conditional);
    await answered(res, deps, { streamName: calendarEventStreamName(found.eventID), version: declined.version ?? found.version });
  } else {
    const eventAccess: CalendarAccess = { calendarID, role: access.role };
    const cancelled = await deps.events.run(found.eventID, { type: 'CancelEvent', data: { eventID: found.eventID, actorID: context.actorID, access: eventAccess } }, conditional);
    await answered(res, deps, { streamName: calendarEventStreamName(found.eventID), version: cancelled.version ?? found.version });
  }
  res.status(204).end();
}
