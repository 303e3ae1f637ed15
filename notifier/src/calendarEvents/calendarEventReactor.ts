import { parseStreamName, type RecordedEvent, type ReplyAddresses } from '@datebook/shared-kernel';
import type { EventStore, SqlDatabase } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { devicesOfUsers } from '../devices/deviceRegistry';
import type { Recipient } from '../email/emailContent';
import { messageEntries } from '../ledger/entries';
import { type LedgerEntry, recordNotifications } from '../ledger/ledger';
import type { SenderMailLimit } from '../ledger/senderMailLimit';
import { planReminders } from '../reminders/reminderPlan';
import { replaceRemindersOfEvents } from '../reminders/reminderStore';
import { appendChanges, type CalendarChange, feedRows } from '../sync/changeFeed';
import type { UserDirectory, UserProfile } from '../users/userDirectory';
import { commandKeyOf, commandStep } from './commandStep';
import { type EventState, parseNotifierCalendarEvent } from './eventState';
import { foldEvents, loadStoredStates, type StateSave, saveEventStates, type StoredEventState } from './eventStateStore';
import { externalMailSkipReason, externalRecipients } from './externalAttendees';
import { nextInDelivery } from './nextInDelivery';
import { storedForm } from './storedForm';
import { streamReads } from './streamReads';
import type { MessageIntent } from './whoGetsWhat';

export interface ReactorDeps {
  db: SqlDatabase;
  store: EventStore;
  directory: UserDirectory;
  clock: () => Date;
  logger: Logger;
  /** Messages about changes older than this are recorded as skipped, not sent (a replay from the start of the log must not re-invite everyone). */
  staleAfterMs: number;
  /** E-mails one actor's actions may cause per hour and day; more are recorded as skipped. */
  mailPerSender: SenderMailLimit;
  /** Inbound mail on: each guest's reply address (see renderEventEmail). */
  replyAddresses?: ReplyAddresses;
}

export interface Committed {
  notifications: number;
  changes: number;
}

export const toRecipient = (profile: UserProfile): Recipient => ({ userID: profile.userID, name: profile.userName, email: profile.email, timeZone: profile.timeZone });

/** One event applied: the state before and after it, and what its command decided if it ended there. */
interface Applied {
  recorded: RecordedEvent;
  eventID: string;
  before: EventState | undefined;
  after: EventState;
  messages: MessageIntent[];
  syncAudience: string[];
}

/** Another consumer stored one of these events' streams meanwhile: nothing was written. */
const CONFLICT = Symbol('conflict');

// A longer run of events is written in several transactions (each all or nothing, each version-guarded).
const EVENTS_PER_TRANSACTION = 500;
// A single event whose row keeps changing under it is left to the source's redelivery after this many tries.
const TRIES_OF_ONE_EVENT = 3;

/**
 * Reacts to CalendarEvent stream events, a delivery's worth at a time: decides who hears of each, records
 * those notifications in the ledger, re-plans the events' reminders and appends to the attendees' sync
 * feeds, all in one transaction guarded by each stream's version. A redelivered event finds its version
 * applied and does nothing; a crash before the commit leaves nothing behind, so the redelivery does it all.
 *
 * Messages are decided per command, not per event (RFC 5546 §2.1.4: one revision, one SEQUENCE): they
 * are recorded when the command's last event is seen, which is known from the stream's next event (in
 * the same delivery, else read from the store: an append is atomic, so if this event is visible, so is
 * the rest of its command). `delivery` is the batch the events came in.
 *
 * The events are folded per stream in memory, in order, exactly as one at a time would (the stored
 * states read in one query, the streams it must read from the store in one round trip, everyone's profiles
 * in one lookup); then every
 * state, ledger entry, reminder and feed row is written with a few multi-row statements. Each stored
 * state is written only if its row still holds the version it was folded from: if another consumer
 * stored one meanwhile (a rebalance), nothing is written and the events are handled again one by one
 * from what is stored then. An event that cannot be read throws before anything is written: the
 * subscription then hands the delivery over one event at a time and parks that one alone.
 */
export function calendarEventReactor(deps: ReactorDeps) {
  const { db, store, directory, logger } = deps;

  const eventLog = (recorded: RecordedEvent) =>
    logger.child({ stream: recorded.streamName, eventType: recorded.type, version: recorded.streamVersion, correlationId: recorded.metadata.correlationId });

  /** Folds the events over the stored states; what each applied event changed, and the states to store. */
  async function fold(events: readonly RecordedEvent[], delivery: readonly RecordedEvent[], stored: ReadonlyMap<string, StoredEventState>) {
    const streams = new Map<string, RecordedEvent[]>();
    for (const recorded of events) {
      const list = streams.get(recorded.streamName);
      if (list) list.push(recorded);
      else streams.set(recorded.streamName, [recorded]);
    }
    const reads = streamReads(store);
    const pending = new Map<string, RecordedEvent[]>();
    for (const [stream, list] of streams) {
      const applied = stored.get(parseStreamName(stream).id)?.version ?? store.firstVersion - 1;
      const unapplied = list.filter((e) => e.streamVersion > applied);
      if (unapplied.length === 0) continue;
      pending.set(stream, list);
      // A gap (a first sight of a stream in its middle, a parked event) is filled from the store; a last
      // event with no successor in the delivery learns from the store whether its command goes on.
      if ((unapplied[0] as RecordedEvent).streamVersion !== applied + 1) reads.wantWhole(stream);
      for (const e of unapplied) if (!nextInDelivery(delivery, e)) reads.wantAfter(stream, e.streamVersion);
    }
    await reads.prefetch();

    const applied: Applied[] = [];
    const saves: StateSave[] = [];
    for (const [stream, list] of pending) {
      const eventID = parseStreamName(stream).id;
      const initial = stored.get(eventID);
      let current = initial;
      for (const recorded of list) {
        if (current && current.version >= recorded.streamVersion) continue;
        // An event that does not parse throws: the subscription parks it (parked_events), says so, and goes on.
        const event = parseNotifierCalendarEvent(recorded);
        const expectedPrevious = current?.version ?? store.firstVersion - 1;
        const before =
          expectedPrevious === recorded.streamVersion - 1
            ? current?.state
            : foldEvents(await reads.whole(stream), store.firstVersion, recorded.streamVersion - 1, (bad, err) => eventLog(recorded).error({ err, version: bad.streamVersion }, 'stream event does not parse; passed over'));
        const next = nextInDelivery(delivery, recorded) ?? (await reads.next(stream, recorded.streamVersion));
        const command = commandKeyOf(recorded.metadata);
        const step = commandStep(before, {
          event, position: recorded.streamVersion - store.firstVersion, command, actorID: recorded.metadata.actorID,
          endsCommand: next === undefined || commandKeyOf(next.metadata) !== command,
        });
        if (!step.after) continue;
        applied.push({ recorded, eventID, before, after: step.after, messages: step.messages, syncAudience: step.syncAudience });
        // The next event starts from this state as it would read it back from the table.
        current = { version: recorded.streamVersion, state: recorded === list.at(-1) ? step.after : storedForm(step.after) };
      }
      if (current && current !== initial) saves.push({ eventID, version: current.version, state: current.state, expected: initial?.version });
    }
    // In delivery order, as one at a time: the order of ledger entries (whose e-mails a sender's limit holds back) and of feed rows.
    const order = new Map(events.map((e, index) => [e, index] as const));
    applied.sort((a, b) => (order.get(a.recorded) ?? 0) - (order.get(b.recorded) ?? 0));
    return { applied, saves };
  }

  /** Handles the events in one transaction; CONFLICT when another consumer stored one of their streams meanwhile. */
  async function attempt(events: readonly RecordedEvent[], delivery: readonly RecordedEvent[]): Promise<Committed | typeof CONFLICT> {
    const stored = await loadStoredStates(db, [...new Set(events.map((e) => parseStreamName(e.streamName).id))]);
    const { applied, saves } = await fold(events, delivery, stored);
    if (applied.length === 0) return { notifications: 0, changes: 0 };

    // Guests invited by address have no profile: they are who their address says, nothing to look up.
    const decided = applied.map((change) => {
      const externals = externalRecipients(change.messages, change.before, change.after);
      const toExternals = change.messages.some((m) => externals.has(m.recipient));
      return { ...change, externals, toExternals };
    });
    const everyone = new Set<string>();
    // Whose verification decides something here: who is mailed, and who writes to guests invited by address.
    const verificationDecides = new Set<string>();
    for (const { before, after, messages, externals, toExternals, recorded } of decided) {
      everyone.add(after.hostID);
      for (const id of Object.keys(before?.attendees ?? {})) everyone.add(id);
      for (const id of Object.keys(after.attendees)) everyone.add(id);
      if (toExternals) {
        everyone.add(recorded.metadata.actorID);
        verificationDecides.add(recorded.metadata.actorID);
      }
      for (const m of messages) {
        if (!externals.has(m.recipient)) {
          everyone.add(m.recipient);
          verificationDecides.add(m.recipient);
        }
        if (m.from !== undefined && !externals.has(m.from)) everyone.add(m.from);
      }
    }
    const profiles = await directory.get(everyone, verificationDecides);
    const recipients = new Map([...profiles].map(([id, profile]) => [id, toRecipient(profile)] as const));
    const devices = await devicesOfUsers(db, [...new Set(decided.flatMap((d) => d.messages.map((m) => m.recipient)))]);
    const now = deps.clock();

    const entries: LedgerEntry[] = [];
    const feed: { userID: string; change: CalendarChange }[] = [];
    const lastChange = new Map<string, { after: EventState; changedAt: Date }>();
    let stale = 0;
    for (const { recorded, eventID, before, after, messages, syncAudience, externals, toExternals } of decided) {
      const actor = recorded.metadata.actorID;
      const people = externals.size === 0 ? recipients : new Map([...recipients, ...externals]);
      const externalSkip = toExternals ? externalMailSkipReason(profiles.get(actor)) : undefined;
      const changedAt = new Date(recorded.metadata.occurredAt);
      const isStale = now.getTime() - changedAt.getTime() > deps.staleAfterMs;
      if (isStale && messages.length > 0) stale += 1;
      const omitted = new Set<string>();
      const onOmittedLine = (line: string) => {
        if (omitted.has(line)) return;
        omitted.add(line);
        eventLog(recorded).warn({ line: line.slice(0, 200) }, 'recurrence line left out of the invitation: not a valid RRULE, EXDATE or RDATE');
      };
      for (const intent of messages) {
        if (!people.has(intent.recipient)) eventLog(recorded).warn({ recipient: intent.recipient }, 'recipient has no profile; nothing sent');
        const made = messageEntries({ intent, event: after, version: recorded.streamVersion, people, devices: devices.get(intent.recipient) ?? [], changedAt, now, onOmittedLine, ...(deps.replyAddresses ? { replyAddresses: deps.replyAddresses } : {}) });
        for (const rendered of made) {
          // An address with no account cannot have confirmed itself (unverifiedAddresses.ts): what guards it is the sender's own.
          const entry: LedgerEntry = externals.has(rendered.recipient) ? { ...rendered, toUnverifiedAddress: true, ...(externalSkip === undefined ? {} : { skipReason: externalSkip }) } : rendered;
          // Every message of this change is on the account of whoever made it (the per-sender mail limit).
          entries.push(isStale ? { ...entry, skipReason: `the change is older than ${deps.staleAfterMs} ms`, actor } : { ...entry, actor });
        }
      }
      // Each change replaces the event's timers: the last change of each event here decides them.
      lastChange.set(eventID, { after, changedAt });
      // Every principal that held the event before or holds it after (its calendar, its attendees: viewAudience).
      feed.push(...feedRows({ eventID, cause: recorded.type, version: recorded.streamVersion, occurredAt: recorded.metadata.occurredAt }, before, after, syncAudience));
    }

    const plans = [...lastChange.values()].flatMap(({ after, changedAt }) => planReminders(after, (id) => profiles.get(id)?.defaultReminders ?? undefined, changedAt));

    const result: Committed | typeof CONFLICT = await db.transaction(async (tx): Promise<Committed> => {
      if (!(await saveEventStates(tx, saves, now))) throw CONFLICT;
      const notifications = await recordNotifications(tx, entries, now, {
        limit: deps.mailPerSender,
        onLimited: (over, limited) => logger.warn({ actor: over, limited }, 'the sender is over the e-mail limit; e-mails recorded as skipped (SENDER_RATE_LIMITED)'),
      });
      // Sent without waiting: the commit follows them in the same round trip (SqlDatabase.transaction).
      replaceRemindersOfEvents(tx, [...lastChange.keys()], plans);
      appendChanges(tx, feed, now);
      return { notifications, changes: feed.length };
    }).catch((error: unknown): typeof CONFLICT => {
      if (error === CONFLICT) return CONFLICT;
      throw error;
    });
    if (result !== CONFLICT && result.notifications > 0) logger.info({ events: applied.length, notifications: result.notifications, staleChanges: stale }, 'notifications recorded');
    return result;
  }

  async function one(recorded: RecordedEvent, delivery: readonly RecordedEvent[]): Promise<Committed> {
    for (let tries = 1; ; tries++) {
      const result = await attempt([recorded], delivery);
      if (result !== CONFLICT) return result;
      if (tries === TRIES_OF_ONE_EVENT) throw new Error(`the stored state of ${recorded.streamName} kept changing while version ${recorded.streamVersion} was handled; it will be delivered again`);
    }
  }

  return async function react(events: readonly RecordedEvent[], delivery: readonly RecordedEvent[] = events): Promise<Committed> {
    const total: Committed = { notifications: 0, changes: 0 };
    for (let offset = 0; offset < events.length; offset += EVENTS_PER_TRANSACTION) {
      const chunk = events.slice(offset, offset + EVENTS_PER_TRANSACTION);
      const handled = chunk.length === 1 ? await one(chunk[0] as RecordedEvent, delivery) : await attempt(chunk, delivery);
      const results = handled !== CONFLICT ? [handled] : await sequentially(chunk, (recorded) => one(recorded, delivery));
      for (const r of results) {
        total.notifications += r.notifications;
        total.changes += r.changes;
      }
    }
    return total;
  };
}

async function sequentially<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await work(item));
  return results;
}
