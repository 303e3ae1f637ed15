import {
  type CalendarAccess,
  type CalendarEventState,
  calendarEventDecider,
  calendarEventStreamName,
  DomainError,
  type EventDraft,
  eventIDForICalUID,
  eventIDOfDerivedUID,
  type ParsedCalendarObjects,
  type ReminderOverride,
  type SkippedEvent,
} from '@datebook/shared-kernel';
import type { CalendarObjectLookup } from '../caldav/calendarObjectLookup';
import type { CalendarEventService } from '../calendarEvents/calendarEventService';
import { type CommandContext, handleCommand, type LoadedStream, startStreams } from '../commandHandling/handleCommand';
import { planEventWrites } from '../icalendarWrites';
import { forEachConcurrently } from './boundedConcurrency';

/** Events written at once: enough to keep a PostgreSQL pool busy, few enough to leave it to other requests too. */
export const IMPORT_CONCURRENCY = 16;
const ABSENT: LoadedStream<CalendarEventState> = { state: { status: 'absent' }, version: null };
/** UIDs looked up in the read model per query. */
const LOOKUP_CHUNK = 500;
/** New events started in one commit: a statement of a few hundred kilobytes. */
const START_BATCH = 250;

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  /** Events left out, by the reader (a rule the domain refuses, no DTSTART, …) or by the decider (with its reason). */
  skipped: SkippedEvent[];
}

export interface ImportRequest {
  calendarID: string;
  access: CalendarAccess;
  context: CommandContext;
  /** The importer's default reminders: VALARMs equal to them keep "use my defaults". */
  defaultReminders: readonly ReminderOverride[];
}

/**
 * Writes the events of a parsed file to a calendar, each as one decision of its own (planEventWrites, mode
 * 'import': nobody is invited, ORGANIZER/ATTENDEE lines are kept), through the command path every write
 * takes (handleCommand with the calendar-event decider). An event is found by its UID as a CalDAV write
 * finds it, so importing a file again changes nothing and a changed file updates what changed. At most
 * IMPORT_CONCURRENCY events are written at once; what a decider refuses is reported with its line, and
 * the rest is written.
 */
export async function importCalendarObjects(deps: { events: CalendarEventService; lookup: CalendarObjectLookup }, parsed: ParsedCalendarObjects, request: ImportRequest): Promise<ImportSummary> {
  const { calendarID, access, context } = request;
  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, skipped: [...parsed.skipped] };
  const skip = (draft: EventDraft, reason: string) => summary.skipped.push({ uid: draft.uid, line: draft.line, reason });
  const planFor = (draft: EventDraft, current: CalendarEventState) => planEventWrites({
    calendarID, actorID: context.actorID, access, current, draft, mode: 'import', accountsByEmail: new Map(), defaultReminders: request.defaultReminders,
  });

  /**
   * A UID the read model does not know is most likely new: its event is scheduled without reading its (empty)
   * stream first, the append itself checking that it is empty. False when the stream was there after all (the
   * read model had not seen it yet): then it is read and planned like any other.
   */
  async function createdOutright(draft: EventDraft): Promise<boolean> {
    const plan = planFor(draft, ABSENT.state);
    const [command] = plan.commands;
    if (plan.outcome !== 'created' || command === undefined || plan.commands.length !== 1) return false;
    const eventID = eventIDForICalUID(calendarID, draft.uid);
    try {
      const result = await handleCommand(deps.events.store, calendarEventStreamName(eventID), calendarEventDecider, command, context, ABSENT);
      // The decider found the event there (a retry after the append met it) and left it alone.
      return result.events.length > 0;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'EVENT_ID_TAKEN') return false;
      throw error;
    }
  }

  /**
   * The drafts of a chunk that are new by every sign (no read-model hit, no derived UID, a plan of one
   * ScheduleEvent) are started together in one commit; undefined when one of their streams exists after all,
   * and then each goes its own way below.
   */
  async function startedTogether(drafts: EventDraft[], known: Map<string, unknown[]>): Promise<Set<EventDraft>> {
    const fresh = drafts.flatMap((draft) => {
      if ((known.get(draft.uid)?.length ?? 0) > 0 || eventIDOfDerivedUID(draft.uid) !== undefined) return [];
      const plan = planFor(draft, ABSENT.state);
      const [command] = plan.commands;
      return plan.outcome === 'created' && command !== undefined && plan.commands.length === 1
        ? [{ draft, streamName: calendarEventStreamName(eventIDForICalUID(calendarID, draft.uid)), command }]
        : [];
    });
    const done = new Set<EventDraft>();
    for (let i = 0; i < fresh.length; i += START_BATCH) {
      const batch = fresh.slice(i, i + START_BATCH);
      const started = await startStreams(deps.events.store, calendarEventDecider, batch, context);
      if (!started) continue;
      started.forEach((outcome, index) => {
        const { draft } = batch[index]!;
        done.add(draft);
        if (outcome.ok) summary.created += 1;
        else skip(draft, [outcome.error.message, ...outcome.error.fieldErrors.map((field) => `${field.path}: ${field.message}`)].join('; '));
      });
    }
    return done;
  }

  for (let offset = 0; offset < parsed.drafts.length; offset += LOOKUP_CHUNK) {
    const chunk = parsed.drafts.slice(offset, offset + LOOKUP_CHUNK);
    const known = await deps.lookup.readModelCandidates(calendarID, chunk.map((draft) => draft.uid));
    const started = await startedTogether(chunk, known);
    await forEachConcurrently(chunk.filter((draft) => !started.has(draft)), IMPORT_CONCURRENCY, async (draft) => {
      try {
        const hits = known.get(draft.uid) ?? [];
        if (hits.length === 0 && eventIDOfDerivedUID(draft.uid) === undefined && (await createdOutright(draft))) {
          summary.created += 1;
          return;
        }
        const found = await deps.lookup.find(calendarID, draft.uid, hits);
        // Nothing under the UID: the stream a new event gets was read by `find`, and is empty.
        const eventID = found?.eventID ?? eventIDForICalUID(calendarID, draft.uid);
        const loaded: LoadedStream<CalendarEventState> = found ? { state: found.state, version: found.version } : ABSENT;
        const plan = planFor(draft, loaded.state);
        let state = loaded;
        for (const command of plan.commands) {
          const result = await handleCommand(deps.events.store, calendarEventStreamName(eventID), calendarEventDecider, command, context, state);
          state = { state: result.state, version: result.version };
        }
        summary[plan.outcome] += 1;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        skip(draft, [error.message, ...error.fieldErrors.map((field) => `${field.path}: ${field.message}`)].join('; '));
      }
    });
  }
  summary.skipped.sort((a, b) => a.line - b.line);
  return summary;
}
