import { type AccessScope, parseCalendarStreamEvent, type RecordedEvent } from '@datebook/shared-kernel';
import type { EventStore, SqlDatabase } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { type LedgerEntry, recordNotifications } from '../ledger/ledger';
import type { SenderMailLimit } from '../ledger/senderMailLimit';
import type { UserDirectory, UserProfile } from '../users/userDirectory';
import { addressRecipientID } from './addressRecipientID';
import { calendarNameAt } from './calendarAtVersion';
import { renderCalendarSharedEmail } from './calendarSharedEmail';

export interface CalendarShareReactorDeps {
  db: SqlDatabase;
  store: EventStore;
  directory: UserDirectory;
  clock: () => Date;
  logger: Logger;
  /** Where users reach Datebook: the base of the calendar's link. */
  publicUrl: string;
  /** A grant older than this is recorded as skipped (a replay from the start of the log must not mail it again). */
  staleAfterMs: number;
  /** E-mails one person's actions may cause per hour and day; more are recorded as skipped. */
  mailPerSender: SenderMailLimit;
}

/** The ledger kind of the message, keyed by the grant's version in the Calendar stream. */
export const CALENDAR_SHARED_KIND = 'calendar-shared';

/** Why a share with an address (no account) was recorded and not mailed: the sharer never confirmed their own address. */
export const SHARER_UNVERIFIED = 'SHARER_UNVERIFIED';

/** Why a share with an address was recorded and not mailed: the rule's address is not one plain mailbox. */
export const NOT_ONE_ADDRESS = 'NOT_ONE_ADDRESS';

// One mailbox, nothing a mailer would read as a list, a display name or a comment.
const ONE_ADDRESS = /^[^\s@,;:<>()"[\]\\]+@[^\s@,;:<>()"[\]\\]+$/;

type AccessGrantedData = Extract<NonNullable<ReturnType<typeof parseCalendarStreamEvent>>, { type: 'AccessGranted' }>['data'];

/**
 * Tells whoever is given access to a calendar, by e-mail and once: a rule for one account (to its
 * address) or for an address with no account yet (to that address, with a word to sign up with it).
 * Not a rule for everyone on this Datebook (nobody in particular to tell), and not a changed role or a
 * revoked access: only grants are told; the grantee sees the rest in Datebook.
 *
 * Once: the message is recorded in the ledger keyed by the calendar and the grant's version in its
 * stream, in one transaction, and the outbox sends what the ledger holds. A redelivered grant (a
 * retry, a crash before the checkpoint moved, a replay from the start of the log) finds its entry and
 * adds nothing; a crash before the commit left nothing, so the redelivery records it. The calendar is
 * named as it was at the grant (its stream folded up to that version), not as it is when this runs.
 * Consecutive Calendar events of a delivery are handled together: one lookup of everyone they name, one
 * transaction for their messages.
 */
export function calendarShareReactor(deps: CalendarShareReactorDeps) {
  const base = deps.publicUrl.replace(/\/+$/, '');

  return async function react(events: readonly RecordedEvent[]): Promise<number> {
    const grants: { recorded: RecordedEvent; data: AccessGrantedData; scope: Exclude<AccessScope, { type: 'default' }> }[] = [];
    for (const recorded of events) {
      if (recorded.type !== 'AccessGranted') continue;
      // A grant that does not parse throws: the subscription parks it (parked_events), says so, and goes on.
      const event = parseCalendarStreamEvent(recorded);
      if (event?.type !== 'AccessGranted') continue;
      const { scope } = event.data;
      if (scope.type === 'default') continue;
      grants.push({ recorded, data: event.data, scope });
    }
    if (grants.length === 0) return 0;
    const logOf = (recorded: RecordedEvent) =>
      deps.logger.child({ stream: recorded.streamName, eventType: recorded.type, version: recorded.streamVersion, correlationId: recorded.metadata.correlationId });

    // Names from each calendar's name history (its stream read once, then only past what was read).
    const names: (string | undefined)[] = [];
    for (const { recorded, data } of grants) {
      names.push(await calendarNameAt(deps.store, data.calendarID, recorded.streamVersion, (bad, err) => logOf(recorded).error({ err, version: bad.streamVersion }, 'stream event does not parse; passed over')));
    }
    // Everyone of the run in one lookup: whose verification decides is the grantee mailed, and a sharer writing to an address.
    const everyone = new Set<string>();
    const verificationDecides = new Set<string>();
    grants.forEach(({ data, scope }, index) => {
      everyone.add(data.grantedBy);
      if (scope.type === 'user') {
        everyone.add(scope.userID);
        verificationDecides.add(scope.userID);
      } else verificationDecides.add(data.grantedBy);
      // A primary calendar's id is its owner's userID.
      if (names[index] === undefined) everyone.add(data.calendarID);
    });
    const people = await deps.directory.get(everyone, verificationDecides);

    const now = deps.clock();
    const entries: LedgerEntry[] = [];
    grants.forEach(({ recorded, data, scope }, index) => {
      const { calendarID, role } = data;
      const log = () => logOf(recorded);
      const sharer = people.get(data.grantedBy);
      // A primary calendar nothing was written to yet is named after its owner as everywhere else (see
      // calendarFoldFor): their name, not their address, which free/busy readers of it must not learn.
      const name = names[index] ?? people.get(calendarID)?.userName;
      if (!sharer || name === undefined) {
        log().warn({ sharerKnown: sharer !== undefined, calendarKnown: name !== undefined }, 'calendar shared by or of nobody known; nothing sent');
        return;
      }
      const to = recipientOf(scope, people);
      if (!to) {
        log().warn('calendar shared with someone who has no profile; nothing sent');
        return;
      }
      const sharedAt = new Date(recorded.metadata.occurredAt);
      const toAddress = scope.type === 'email';
      const skipReason = (() => {
        if (now.getTime() - sharedAt.getTime() > deps.staleAfterMs) return `the grant is older than ${deps.staleAfterMs} ms`;
        if (toAddress && !ONE_ADDRESS.test(to.email)) return NOT_ONE_ADDRESS;
        // Nobody confirmed the grantee's address: Datebook writes to it only for someone who confirmed their own.
        if (toAddress && !sharer.emailVerified) return SHARER_UNVERIFIED;
        return undefined;
      })();
      entries.push({
        eventID: calendarID, occurrence: '', recipient: to.recipient, channel: 'email', deviceID: '',
        kind: `${CALENDAR_SHARED_KIND}@${recorded.streamVersion}`,
        payload: renderCalendarSharedEmail({
          to: to.email, sharer: { name: sharer.userName, email: sharer.email }, calendarName: name, role,
          link: `${base}/calendars/${encodeURIComponent(calendarID)}`, toAddressWithoutAccount: toAddress,
        }),
        late: false, dueAt: now, actor: recorded.metadata.actorID,
        // An address with no account cannot have confirmed itself; a user's address must have (unverifiedAddresses.ts).
        toUnverifiedAddress: toAddress,
        ...(skipReason === undefined ? {} : { skipReason }),
      });
    });
    const recordedCount = await deps.db.transaction((tx) =>
      recordNotifications(tx, entries, now, {
        limit: deps.mailPerSender,
        onLimited: (over, limited) => deps.logger.warn({ actor: over, limited }, 'the sender is over the e-mail limit; e-mails recorded as skipped (SENDER_RATE_LIMITED)'),
      }),
    );
    if (recordedCount > 0) deps.logger.info({ grants: grants.length, recorded: recordedCount }, 'calendar shares recorded');
    return recordedCount;
  };
}

/** The ledger's recipient and the address for a user or an address scope. */
function recipientOf(scope: Exclude<AccessScope, { type: 'default' }>, people: ReadonlyMap<string, UserProfile>): { recipient: string; email: string } | undefined {
  if (scope.type === 'email') return { recipient: addressRecipientID(scope.email), email: scope.email };
  const profile = people.get(scope.userID);
  return profile ? { recipient: profile.userID, email: profile.email } : undefined;
}
