import { parseStreamName, type RecordedEvent, type ReplyAddresses } from '@datebook/shared-kernel';
import type { EventStore, SqlDatabase } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { devicesOfUsers } from '../devices/deviceRegistry';
import type { Recipient } from '../email/emailContent';
import { messageEntries } from '../ledger/entries';
import { type LedgerEntry, recordNotifications } from '../ledger/ledger';
import type { SenderMailLimit } from '../ledger/senderMailLimit';
import { planReminders } from '../reminders/reminderPlan';
import { replaceReminders } from '../reminders/reminderStore';
import { appendChanges, feedRows } from '../sync/changeFeed';
import type { UserDirectory, UserProfile } from '../users/userDirectory';
import { commandKeyOf, commandStep } from './commandStep';
import { type EventState, type NotifierCalendarEvent, parseNotifierCalendarEvent } from './eventState';
import { foldEvents, loadEventState, saveEventState } from './eventStateStore';
import { externalRecipients, externalMailSkipReason } from './externalAttendees';
import { nextInDelivery } from './nextInDelivery';

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

/**
 * Reacts to one CalendarEvent stream event: decides who hears of it, records those notifications in
 * the ledger, re-plans the event's reminders and appends to the attendees' sync feeds, all in one
 * transaction guarded by the stream version. A redelivered event finds its version applied and does
 * nothing; a crash before the commit leaves nothing behind, so the redelivery does it all.
 *
 * Messages are decided per command, not per event (RFC 5546 §2.1.4: one revision, one SEQUENCE): they
 * are recorded when the command's last event is seen, which is known from the stream's next event (in
 * the same delivery, else read from the store: an append is atomic, so if this event is visible, so is
 * the rest of its command). `delivery` is the batch this event came in.
 */
export function calendarEventReactor(deps: ReactorDeps) {
  const { db, store, directory, logger } = deps;
  return async function react(recorded: RecordedEvent, delivery: readonly RecordedEvent[] = []): Promise<Committed | undefined> {
    const eventID = parseStreamName(recorded.streamName).id;
    const log = logger.child({ stream: recorded.streamName, eventType: recorded.type, version: recorded.streamVersion, correlationId: recorded.metadata.correlationId });
    const stored = await loadEventState(db, eventID);
    if (stored && stored.version >= recorded.streamVersion) return undefined;

    // An event that does not parse throws: the subscription parks it (parked_events), says so, and goes on.
    const event: NotifierCalendarEvent | undefined = parseNotifierCalendarEvent(recorded);
    let stream: RecordedEvent[] | undefined;
    const readStream = async () => {
      stream ??= (await store.readStream(recorded.streamName)).events;
      return stream;
    };
    const expectedPrevious = stored?.version ?? store.firstVersion - 1;
    const before: EventState | undefined =
      expectedPrevious === recorded.streamVersion - 1
        ? stored?.state
        : foldEvents(await readStream(), store.firstVersion, recorded.streamVersion - 1, (bad, err) => log.error({ err, version: bad.streamVersion }, 'stream event does not parse; passed over'));
    const next = nextInDelivery(delivery, recorded) ?? (await readStream()).find((e) => e.streamVersion === recorded.streamVersion + 1);
    const command = commandKeyOf(recorded.metadata);
    const step = commandStep(before, {
      event, position: recorded.streamVersion - store.firstVersion, command, actorID: recorded.metadata.actorID,
      endsCommand: next === undefined || commandKeyOf(next.metadata) !== command,
    });
    const { after } = step;
    if (!after) return undefined;

    const decision = { messages: step.messages, syncAudience: step.syncAudience };
    // Guests invited by address have no profile: they are who their address says, nothing to look up.
    const externals = externalRecipients(decision.messages, before, after);
    const actor = recorded.metadata.actorID;
    const toExternals = decision.messages.some((m) => externals.has(m.recipient));
    const everyone = new Set([
      after.hostID, ...Object.keys(before?.attendees ?? {}), ...Object.keys(after.attendees), ...(toExternals ? [actor] : []),
      ...decision.messages.flatMap((m) => (m.from === undefined ? [m.recipient] : [m.recipient, m.from])).filter((id) => !externals.has(id)),
    ]);
    const profiles = await directory.get(everyone);
    const people = new Map([...[...profiles].map(([id, profile]) => [id, toRecipient(profile)] as const), ...externals]);
    const externalSkip = toExternals ? externalMailSkipReason(profiles.get(actor)) : undefined;
    const changedAt = new Date(recorded.metadata.occurredAt);
    const plan = planReminders(after, (id) => profiles.get(id)?.defaultReminders ?? undefined, changedAt);
    const now = deps.clock();
    const stale = now.getTime() - changedAt.getTime() > deps.staleAfterMs;
    const omitted = new Set<string>();
    const onOmittedLine = (line: string) => {
      if (omitted.has(line)) return;
      omitted.add(line);
      log.warn({ line: line.slice(0, 200) }, 'recurrence line left out of the invitation: not a valid RRULE, EXDATE or RDATE');
    };

    const result = await db.transaction(async (tx) => {
      if (!(await saveEventState(tx, eventID, recorded.streamVersion, after, now))) return undefined;
      const devices = await devicesOfUsers(tx, decision.messages.map((m) => m.recipient));
      const entries: LedgerEntry[] = [];
      for (const intent of decision.messages) {
        if (!people.has(intent.recipient)) log.warn({ recipient: intent.recipient }, 'recipient has no profile; nothing sent');
        const made = messageEntries({ intent, event: after, version: recorded.streamVersion, people, devices: devices.get(intent.recipient) ?? [], changedAt, now, onOmittedLine, ...(deps.replyAddresses ? { replyAddresses: deps.replyAddresses } : {}) })
          // An address with no account cannot have confirmed itself (unverifiedAddresses.ts): what guards it is the sender's own.
          .map((e) => (externals.has(e.recipient) ? { ...e, toUnverifiedAddress: true, ...(externalSkip === undefined ? {} : { skipReason: externalSkip }) } : e));
        entries.push(...(stale ? made.map((e) => ({ ...e, skipReason: `the change is older than ${deps.staleAfterMs} ms` })) : made));
      }
      // Every message of this change is on the account of whoever made it (the per-sender mail limit).
      const notifications = await recordNotifications(tx, entries.map((e) => ({ ...e, actor })), now, {
        limit: deps.mailPerSender,
        onLimited: (over, limited) => log.warn({ actor: over, limited }, 'the sender is over the e-mail limit; e-mails recorded as skipped (SENDER_RATE_LIMITED)'),
      });
      await replaceReminders(tx, eventID, plan);
      // Every principal that held the event before or holds it after (its calendar, its attendees: viewAudience).
      const rows = feedRows({ eventID, cause: recorded.type, version: recorded.streamVersion, occurredAt: recorded.metadata.occurredAt }, before, after, decision.syncAudience);
      await appendChanges(tx, rows, now);
      return { notifications, changes: rows.length };
    });
    if (result && result.notifications > 0) log.info({ notifications: result.notifications, stale }, 'notifications recorded');
    return result;
  };
}
