import {
  atLeast, type CalendarAccess, type CalendarEventCommand, type CalendarEventDetails, type CalendarEventState, DomainError, type EventDraft,
  type EventTiming, eventIDForICalUID, extraPropertiesOf, type InvitationResponse, MAX_OVERRIDES_PER_EVENT, type OccurrenceValues, occurrencesOverlapping,
  type ReminderOverride, type RsvpStatus,
} from '@datebook/shared-kernel';
import { guestChanges, guestsOf, manageParticipants } from './participantsPlan';
import { planRecurrence } from './recurrencePlan';
import { sameOccurrenceValues, sameText } from './sameTexts';
import { sameTiming, timingToWrite } from './sameTiming';
import { wantedReminders } from './wantedReminders';

export interface EventWritesInput {
  calendarID: string;
  actorID: string;
  /** The actor's role on `calendarID` (the event's calendar, for an existing event). */
  access: CalendarAccess;
  /** The stream of eventIDForICalUID(calendarID, draft.uid) (or of the event the UID names) as it is now. */
  current: CalendarEventState;
  draft: EventDraft;
  /** 'import': nobody is invited, ORGANIZER/ATTENDEE lines are kept; 'caldav': the organizer's copy is the guest list (RFC 6638). */
  mode: 'import' | 'caldav';
  /** Every address of the draft (organizer and attendees) that a confirmed account has → that account, as the caller resolved them. */
  accountsByEmail: ReadonlyMap<string, string>;
  /** The actor's default reminders, if the export writes them as VALARMs (pass what the export was given). */
  defaultReminders?: readonly ReminderOverride[];
}

export interface EventWritesPlan {
  commands: CalendarEventCommand[];
  outcome: 'created' | 'updated' | 'unchanged';
}

type ChangeEvent = Extract<CalendarEventCommand, { type: 'ChangeEvent' }>;
type Changes = ChangeEvent['data']['changes'];

const ANSWERS: Partial<Record<EventDraft['attendees'][number]['partstat'], { response: InvitationResponse; status: RsvpStatus }>> = {
  ACCEPTED: { response: 'ACCEPT', status: 'ACCEPTED' },
  DECLINED: { response: 'DECLINE', status: 'DECLINED' },
  TENTATIVE: { response: 'TENTATIVE', status: 'TENTATIVE' },
};

function extraPropertiesFor(draft: EventDraft, managed: boolean): string[] {
  return managed ? draft.extraProperties : [...draft.extraProperties, ...draft.participantLines];
}

function schedule(input: EventWritesInput, managed: boolean): EventWritesPlan {
  const { draft, actorID } = input;
  if (draft.cancelled) return { commands: [], outcome: 'unchanged' };
  const guests = managed ? guestsOf(draft, actorID, input.accountsByEmail) : { userIDs: [], external: [] };
  const reminders = wantedReminders(draft.reminders, undefined, input.defaultReminders ?? [], input.mode);
  const extraProperties = extraPropertiesFor(draft, managed);
  return {
    outcome: 'created',
    commands: [{
      type: 'ScheduleEvent',
      data: {
        eventID: eventIDForICalUID(input.calendarID, draft.uid), hostID: actorID, access: input.access, iCalUID: draft.uid,
        visibility: draft.visibility, title: draft.title, description: draft.description, location: draft.location,
        timing: draft.timing, recurrence: draft.recurrence, transparency: draft.transparency,
        invitedUserIDs: guests.userIDs,
        ...(guests.external.length > 0 ? { externalAttendees: guests.external } : {}),
        ...(reminders === undefined ? {} : { reminders }),
        ...(extraProperties.length > 0 ? { extraProperties } : {}),
        // The file's changed and cancelled occurrences come with the series, in the same decision.
        ...(draft.overrides.length > 0 ? { carriedOver: { answers: {}, exceptions: draft.overrides } } : {}),
      },
    }],
  };
}

/** The actor's own answer (PARTSTAT on the ATTENDEE with their address), when it differs from the one stored. */
function ownAnswer(input: EventWritesInput, current: CalendarEventDetails): InvitationResponse | undefined {
  const { actorID } = input;
  if (input.mode !== 'caldav' || actorID === current.hostID || !(actorID in current.attendees)) return undefined;
  const mine = input.draft.attendees.find((attendee) => input.accountsByEmail.get(attendee.email) === actorID);
  const answer = mine === undefined ? undefined : ANSWERS[mine.partstat];
  return answer === undefined || answer.status === current.attendees[actorID] ? undefined : answer.response;
}

/** The occurrence as a series with these values would show it (its exception, else the series'), or undefined for none. */
/**
 * `occurrenceOf` for many original starts: the series is expanded once over their span (a copy with 250 changed
 * occurrences cost 250 expansions, tens of milliseconds on the loop); starts that expansion did not reach (its cap or
 * budget) are looked up one by one.
 */
function occurrencesOf(series: CalendarEventDetails, originalStarts: readonly string[]): Map<string, OccurrenceValues | undefined> {
  const shown = new Map<string, OccurrenceValues | undefined>();
  const startOf = (key: string) => (series.allDay ? Date.parse(`${key}T00:00:00Z`) : Date.parse(key));
  const starts = originalStarts.map(startOf).filter((start) => !Number.isNaN(start));
  if (starts.length === 0) return shown;
  const expanded = occurrencesOverlapping({ ...series, exceptions: {} }, { from: Math.min(...starts), to: Math.max(...starts) + 1 }, 10_000);
  const byStart = new Map(expanded.occurrences.map(({ originalStart, ...values }) => [originalStart, values]));
  for (const key of originalStarts) {
    const exception = series.exceptions[key];
    if (exception !== undefined || !(startOf(key) < expanded.completeBefore)) shown.set(key, occurrenceOf(series, key));
    else shown.set(key, byStart.get(key));
  }
  return shown;
}

function occurrenceOf(series: CalendarEventDetails, originalStart: string): OccurrenceValues | undefined {
  const exception = series.exceptions[originalStart];
  if (exception !== undefined) {
    if (exception.cancelled) return undefined;
    const { cancelled: _flag, ...values } = exception;
    return values;
  }
  const start = series.allDay ? Date.parse(`${originalStart}T00:00:00Z`) : Date.parse(originalStart);
  const found = occurrencesOverlapping({ ...series, exceptions: {} }, { from: start, to: start + 1 }, 1).occurrences[0];
  if (found === undefined || found.originalStart !== originalStart) return undefined;
  const { originalStart: _key, ...values } = found;
  return values;
}

/** A writer's copy: ChangeEvent with what differs, then the occurrences it changes or cancels. */
function change(input: EventWritesInput, current: CalendarEventDetails, managed: boolean): CalendarEventCommand[] {
  const { draft, actorID, access } = input;
  const eventID = current.eventID;
  if (draft.cancelled) return [{ type: 'CancelEvent', data: { eventID, actorID, access } }];
  const changes: Changes = {};
  if (!sameText(current.title, draft.title)) changes.title = draft.title;
  if (!sameText(current.description, draft.description)) changes.description = draft.description;
  if (!sameText(current.location, draft.location)) changes.location = draft.location;
  const nextTiming: EventTiming = sameTiming(current, draft.timing, current.recurrence.length > 0 || draft.recurrence.length > 0) ? current : timingToWrite(current, draft.timing);
  if (nextTiming !== current) changes.timing = nextTiming;
  const recurrence = planRecurrence(current, draft, nextTiming);
  if (recurrence.recurrence !== undefined) changes.recurrence = recurrence.recurrence;
  if (draft.transparency !== current.transparency) changes.transparency = draft.transparency;
  if (draft.visibility !== current.visibility) changes.visibility = draft.visibility;
  const extraProperties = extraPropertiesFor(draft, managed);
  if (JSON.stringify(extraProperties) !== JSON.stringify(extraPropertiesOf(current))) changes.extraProperties = extraProperties;
  const reminders = wantedReminders(draft.reminders, current.reminders[actorID], input.defaultReminders ?? [], input.mode);
  if (reminders !== undefined) changes.reminders = reminders;
  if (managed) Object.assign(changes, guestChanges(draft, current, input.accountsByEmail));

  const commands: CalendarEventCommand[] = [];
  if (Object.keys(changes).length > 0) commands.push({ type: 'ChangeEvent', data: { eventID, actorID, access, changes } });
  for (const originalStart of recurrence.cancel) commands.push({ type: 'CancelOccurrence', data: { eventID, actorID, access, originalStart } });

  // Occurrences are compared with the series as the ChangeEvent above leaves it.
  const next: CalendarEventDetails = {
    ...current, ...nextTiming, recurrence: recurrence.recurrence ?? current.recurrence,
    title: changes.title ?? current.title,
    description: changes.description === undefined ? current.description : changes.description,
    location: changes.location === undefined ? current.location : changes.location,
  };
  const changed = draft.overrides.filter((o) => o.values !== null);
  const occurrences = occurrencesOf(next, changed.map((o) => o.originalStart));
  for (const { originalStart, values } of changed) {
    if (values === null) continue;
    const shown = occurrences.get(originalStart);
    // No such occurrence (any more), or one cancelled: the domain has no way to bring it back.
    if (shown === undefined || sameOccurrenceValues(shown, values)) continue;
    commands.push({ type: 'ChangeOccurrence', data: { eventID, actorID, access, originalStart, changes: values } });
  }
  requireBoundedExceptions(current, commands);
  const answer = ownAnswer(input, current);
  if (answer !== undefined) commands.push({ type: 'RespondToInvitation', data: { eventID, userID: actorID, response: answer } });
  return commands;
}

/**
 * A write may not take a series past MAX_OVERRIDES_PER_EVENT changed and cancelled occurrences (the parser's
 * bound on one file's RECURRENCE-IDs): each is an event of the stream every reader folds and renders, and
 * writes repeated with new ones would otherwise grow it without end. A series already past it (through the
 * REST routes) can still be written, as long as the write adds none.
 */
function requireBoundedExceptions(current: CalendarEventDetails, commands: readonly CalendarEventCommand[]): void {
  const added = new Set<string>();
  for (const command of commands) {
    if ((command.type === 'ChangeOccurrence' || command.type === 'CancelOccurrence') && !(command.data.originalStart in current.exceptions)) added.add(command.data.originalStart);
  }
  if (added.size === 0 || Object.keys(current.exceptions).length + added.size <= MAX_OVERRIDES_PER_EVENT) return;
  const message = `a series keeps at most ${MAX_OVERRIDES_PER_EVENT} changed or cancelled occurrences (RECURRENCE-ID, EXDATE)`;
  throw new DomainError('VALIDATION_FAILED', message, [{ path: 'RECURRENCE-ID', message }]);
}

/** A guest's copy (RFC 6638 §3.2.2.1: an attendee changes only their own participation): their answer and reminders. */
function respond(input: EventWritesInput, current: CalendarEventDetails): CalendarEventCommand[] {
  const response = ownAnswer(input, current);
  const reminders = wantedReminders(input.draft.reminders, current.reminders[input.actorID], input.defaultReminders ?? [], input.mode);
  if (response === undefined && reminders === undefined) return [];
  return [{
    type: 'RespondToInvitation',
    data: { eventID: current.eventID, userID: input.actorID, ...(response === undefined ? {} : { response }), ...(reminders === undefined ? {} : { reminders }) },
  }];
}

/**
 * What writing an iCalendar event (a CalDAV PUT, one event of an import) asks of the domain: the commands
 * the REST path would send for the same change, decided by the same deciders. A draft equal to the
 * stored event asks nothing ('unchanged'); a new UID schedules the event under eventIDForICalUID. A
 * writer's copy changes what differs; a guest's copy answers (their PARTSTAT) and sets their reminders,
 * anything else in it being theirs alone. Pure: the caller reads the state and resolves the addresses.
 */
export function planEventWrites(input: EventWritesInput): EventWritesPlan {
  const { current, actorID } = input;
  if (current.status === 'absent') return schedule(input, manageParticipants(input.draft, undefined, actorID, input.mode, input.accountsByEmail));
  if (current.status === 'cancelled') {
    if (input.draft.cancelled) return { commands: [], outcome: 'unchanged' };
    // Written again after it was deleted (an app's undo, a file imported again): on again, then as the copy says.
    const restore: CalendarEventCommand = { type: 'RestoreEvent', data: { eventID: current.eventID, actorID, access: input.access } };
    const restored = { ...current, status: 'scheduled' as const };
    return { commands: [restore, ...change(input, restored, manageParticipants(input.draft, restored, actorID, input.mode, input.accountsByEmail))], outcome: 'updated' };
  }
  const writer = input.access.calendarID === current.calendarID && atLeast(input.access.role, 'writer');
  const commands = !writer && actorID in current.attendees
    ? respond(input, current)
    : change(input, current, manageParticipants(input.draft, current, actorID, input.mode, input.accountsByEmail));
  return { commands, outcome: commands.length > 0 ? 'updated' : 'unchanged' };
}
