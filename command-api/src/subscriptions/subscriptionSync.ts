import { createHash, randomUUID } from 'node:crypto';
import {
  calendarEventDecider,
  calendarEventStreamName,
  type CalendarAccess,
  calendarStreamName,
  type CalendarSubscription,
  DomainError,
  eventIDForICalUID,
  ICalendarSyntaxError,
  type ParsedCalendarObjects,
  SUBSCRIPTION_SOURCE_ID,
  yieldToLoop,
} from '@datebook/shared-kernel';
import { calendarFoldFor, type EventStore, readCalendar, roleOn, type SqlExecutor } from '@datebook/shared-kernel/ports';
import { type CommandContext, handleCommand } from '../commandHandling/handleCommand';
import { parseInChunks } from '../icalendarImport/chunkedParse';
import type { OutboundPolicy } from './outboundAddresses';
import { fetchSource, type SourceFetchLimits, type SourceFetchResult } from './sourceFetch';

/**
 * The import of a parsed iCalendar file into a calendar (command-api/src/icalendarImport's importCalendarObjects:
 * each event by its UID, through the calendar-event decider), with the access and context given.
 */
export type ImportParsedCalendar = (parsed: ParsedCalendarObjects, request: { calendarID: string; access: CalendarAccess; context: CommandContext }) => Promise<{
  created: number;
  updated: number;
  unchanged: number;
  skipped: readonly unknown[];
}>;

export type SyncOutcome =
  | { status: 'notModified' }
  | { status: 'unchanged' }
  | { status: 'imported'; created: number; updated: number; unchanged: number; cancelled: number; skipped: number };

export interface SubscriptionSyncDeps {
  store: EventStore;
  readModel: SqlExecutor;
  importParsed: ImportParsedCalendar;
  policy: OutboundPolicy;
  limits?: SourceFetchLimits;
  clock: () => Date;
}

/** Cancellations of events the source no longer has, at most this many at a time. */
const CANCEL_CONCURRENCY = 8;

/**
 * One sync of a subscribed calendar: fetch its source (with the validators of the last one, so an unchanged
 * source answers 304 and nothing is written), import what changed as the subscription's source
 * (SUBSCRIPTION_SOURCE_ID, the only writer of a subscribed calendar), cancel the events the source no longer
 * has, then record the sync. A failure records nothing, so the next poll tries again.
 */
export async function syncSubscription(deps: SubscriptionSyncDeps, calendarID: string, fetched?: SourceFetchResult): Promise<SyncOutcome> {
  const subscription = await subscriptionOf(deps.store, calendarID);
  const result = fetched ?? await fetchSource(subscription.url, subscription, deps.policy, deps.limits);
  if (result.status === 'notModified') return { status: 'notModified' };
  const contentHash = await sha256Of(result.body);
  const context: CommandContext = { actorID: SUBSCRIPTION_SOURCE_ID, now: deps.clock(), correlationId: randomUUID() };
  const sync = { etag: result.etag, lastModified: result.lastModified, contentHash, syncedAt: context.now.toISOString() };
  const record = async () => {
    await handleCommand(deps.store, calendarStreamName(calendarID), await calendarFoldFor(deps.store, calendarID), { type: 'RecordSubscriptionSync', data: sync }, context);
  };
  if (contentHash === subscription.contentHash) {
    // The same content under new validators: remember them, so the next poll can be answered 304.
    await record();
    return { status: 'unchanged' };
  }
  // Unreadable content (ICalendarSyntaxError) fails the sync whole: nothing is imported, nothing cancelled.
  const parsed = await readable(result.body);
  const { role } = await roleOn(deps.store, calendarID, { userID: SUBSCRIPTION_SOURCE_ID });
  const access = { calendarID, role };
  const imported = await deps.importParsed(parsed, { calendarID, access, context });
  const cancelled = await cancelEventsNotIn(deps, calendarID, parsed, access, context);
  await record();
  return { status: 'imported', created: imported.created, updated: imported.updated, unchanged: imported.unchanged, cancelled, skipped: imported.skipped.length };
}

/**
 * The source's content parsed, a few hundred events at a time as an import reads a file (a source is up to
 * 10 MiB, and the poller shares the command API's event loop); content that is not iCalendar at all is the
 * source's failure (SUBSCRIPTION_FETCH_FAILED, naming the line).
 */
async function readable(text: string): Promise<ParsedCalendarObjects> {
  try {
    return await parseInChunks(text);
  } catch (error) {
    if (!(error instanceof ICalendarSyntaxError)) throw error;
    const message = `the source is not readable iCalendar: line ${error.line}: ${error.reason}`;
    throw new DomainError('SUBSCRIPTION_FETCH_FAILED', message, [{ path: 'url', message }]);
  }
}

/** The calendar's subscription as the store says now; CALENDAR_NOT_FOUND when it is gone, NOT_A_SUBSCRIPTION for an ordinary calendar. */
export async function subscriptionOf(store: EventStore, calendarID: string): Promise<CalendarSubscription> {
  const { state } = await readCalendar(store, calendarID);
  if (state.status === 'absent' || state.status === 'deleted') throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar');
  if (!state.subscription) throw new DomainError('NOT_A_SUBSCRIPTION', 'this calendar is not a subscription to a URL');
  return state.subscription;
}

/** UUIDs made between two yields to the loop: about 5 ms of work. */
const IDS_PER_SLICE = 1000;
/** Characters hashed, and UIDs or rows compared, between two yields to the loop: a few ms of work each. */
const CHARS_PER_SLICE = 1 << 20;
const ITEMS_PER_SLICE = 5000;

/** SHA-256 (hex) of the text's UTF-8, a slice at a time, yielding between (a source is up to tens of MB). */
async function sha256Of(text: string): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + CHARS_PER_SLICE);
    // Never between the two halves of a surrogate pair: each half alone would hash as U+FFFD.
    if (end < text.length && (text.charCodeAt(end) & 0xfc00) === 0xdc00) end++;
    hash.update(text.slice(at, end), 'utf8');
    at = end;
    if (at < text.length) await yieldToLoop();
  }
  return hash.digest('hex');
}

/**
 * A subscription mirrors its source: an event the source no longer has (by UID, as the import finds events:
 * rm_events.ical_uid, and the id a UID gives, eventIDForICalUID) is cancelled. One the source still lists but
 * could not be read (`skipped`) is kept as it was.
 */
async function cancelEventsNotIn(deps: SubscriptionSyncDeps, calendarID: string, { drafts, skipped }: ParsedCalendarObjects, access: CalendarAccess, context: CommandContext): Promise<number> {
  const uids = new Set<string>();
  for (const [index, uid] of [...drafts.map((d) => d.uid), ...skipped.flatMap((s) => (s.uid === null ? [] : [s.uid]))].entries()) {
    uids.add(uid);
    if (index % ITEMS_PER_SLICE === ITEMS_PER_SLICE - 1) await yieldToLoop();
  }
  // A name-based UUID per UID (a SHA-1 each): tens of thousands of them are made a slice at a time, yielding between.
  const ids = new Set<string>();
  for (const uid of uids) {
    ids.add(eventIDForICalUID(calendarID, uid));
    if (ids.size % IDS_PER_SLICE === 0) await yieldToLoop();
  }
  const { rows } = await deps.readModel.query<{ event_id: string; ical_uid: string | null }>(
    `select m.event_id::text as event_id, e.ical_uid from rm_collection_members m left join rm_events e on e.event_id = m.event_id
      where m.collection_id = $1 and m.present`,
    [calendarID],
  );
  const gone: string[] = [];
  for (const [index, row] of rows.entries()) {
    if (!ids.has(row.event_id) && (row.ical_uid === null || !uids.has(row.ical_uid))) gone.push(row.event_id);
    if (index % ITEMS_PER_SLICE === ITEMS_PER_SLICE - 1) await yieldToLoop();
  }
  if (gone.length === 0) return 0;
  let cancelled = 0;
  for (let i = 0; i < gone.length; i += CANCEL_CONCURRENCY) {
    await Promise.all(gone.slice(i, i + CANCEL_CONCURRENCY).map(async (eventID) => {
      try {
        const result = await handleCommand(deps.store, calendarEventStreamName(eventID), calendarEventDecider, { type: 'CancelEvent', data: { eventID, actorID: SUBSCRIPTION_SOURCE_ID, access } }, context);
        if (result.events.length > 0) cancelled++;
      } catch (error) {
        // Cancelled already (the read model had not caught up): nothing to do.
        if (!(error instanceof DomainError && (error.code === 'EVENT_CANCELLED' || error.code === 'EVENT_NOT_FOUND'))) throw error;
      }
    }));
  }
  return cancelled;
}
