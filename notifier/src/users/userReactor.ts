import { parseStreamName, parseUserEvent, type RecordedEvent, type UserEvent, userStreamName } from '@datebook/shared-kernel';
import type { TokenService } from '@datebook/shared-kernel/http';
import type { EventStore, SqlDatabase } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import type { EventState } from '../calendarEvents/eventState';
import { renderPasswordResetEmail, renderSignUpAttemptEmail, renderVerificationEmail } from '../email/accountEmails';
import { type LedgerEntry, recordNotifications } from '../ledger/ledger';
import { planReminders } from '../reminders/reminderPlan';
import { replaceReminders } from '../reminders/reminderStore';
import { foldUserProfile, saveUserProfiles, type UserProfile } from './userDirectory';

export interface UserReactorDeps {
  db: SqlDatabase;
  store: EventStore;
  logger: Logger;
  /** Signs the single-use links of account mails. */
  tokens: TokenService;
  clock: () => Date;
  /** Where users reach Datebook: the base of the links in account mails. */
  publicUrl: string;
  /** A "someone tried to sign up" about an attempt older than this is recorded as skipped (a replay must not mail it again). */
  staleAfterMs: number;
}

/**
 * Keeps the notifier's copy of a user (address, name, zone, default reminders, whether the address is
 * verified) and, when the defaults change, re-plans that user's reminders on every event where they
 * use their defaults. Account events become account mail in the ledger: the verification link, the
 * password-reset link, and "someone tried to sign up with your address". Each is keyed by the User
 * stream's version, so a redelivered event cannot send it twice. Consecutive User events of a delivery
 * are handled together: their streams read in one round trip, their mails and profiles written in one
 * transaction.
 */
export function userReactor(deps: UserReactorDeps) {
  const base = deps.publicUrl.replace(/\/+$/, '');

  function accountMail(event: UserEvent | undefined, profile: UserProfile, recorded: RecordedEvent, now: Date): LedgerEntry | undefined {
    const entry = (kind: string, payload: LedgerEntry['payload'], skipReason?: string): LedgerEntry => ({
      eventID: profile.userID, occurrence: '', recipient: profile.userID, channel: 'email', deviceID: '', kind: `${kind}@${recorded.streamVersion}`,
      payload, late: false, dueAt: now, toUnverifiedAddress: true, ...(skipReason === undefined ? {} : { skipReason }),
    });
    const expired = (expiresAt: Date) => (now >= expiresAt ? 'the link had expired before it could be sent' : undefined);
    switch (event?.type) {
      case 'EmailVerificationRequested': {
        const expiresAt = new Date(event.data.expiresAt);
        const token = deps.tokens.issueLink('verify-email', { userID: profile.userID, requestID: event.data.requestID }, expiresAt);
        // Verified meanwhile (a reset link proves the address too): nothing more to confirm.
        const skip = profile.emailVerified ? 'the address is verified already' : expired(expiresAt);
        return entry('email-verification', renderVerificationEmail({ to: event.data.email, link: `${base}/users/verify-email/${token}`, expiresAt }), skip);
      }
      case 'PasswordResetRequested': {
        const expiresAt = new Date(event.data.expiresAt);
        const token = deps.tokens.issueLink('password-reset', { userID: profile.userID, requestID: event.data.resetID }, expiresAt);
        return entry('password-reset', renderPasswordResetEmail({ to: profile.email, link: `${base}/password-resets/${token}`, expiresAt }), expired(expiresAt));
      }
      case 'SignUpAttempted': {
        const stale = now.getTime() - Date.parse(event.data.attemptedAt) > deps.staleAfterMs ? `the attempt is older than ${deps.staleAfterMs} ms` : undefined;
        return entry('sign-up-attempt', renderSignUpAttemptEmail({ to: profile.email, resetLink: `${base}/password-resets` }), stale);
      }
      default:
        return undefined;
    }
  }

  return async function react(events: readonly RecordedEvent[]): Promise<number> {
    const userIDs = [...new Set(events.map((recorded) => parseStreamName(recorded.streamName).id))];
    // Every user's stream read once: each event's profile is the fold up to it, and the whole stream says what holds by now.
    const read = await deps.store.readStreams(userIDs.map((userID) => ({ streamName: userStreamName(userID) })));
    const streams = new Map(userIDs.map((userID, index) => [userID, read[index]?.events ?? []] as const));
    const now = deps.clock();
    const mails: LedgerEntry[] = [];
    const newest = new Map<string, UserProfile>();
    const defaultsChanged = new Map<string, { version: number; changedAt: Date }>();
    for (const recorded of events) {
      const userID = parseStreamName(recorded.streamName).id;
      const stream = streams.get(userID) ?? [];
      const profile = foldUserProfile(stream, recorded.streamVersion);
      if (!profile) continue;
      let event: UserEvent | undefined;
      try {
        event = parseUserEvent(recorded);
      } catch (error) {
        deps.logger.error({ err: error, stream: recorded.streamName, eventType: recorded.type }, 'event does not parse; passed over');
      }
      if (event?.type === 'DefaultRemindersChanged') defaultsChanged.set(userID, { version: recorded.streamVersion, changedAt: new Date(recorded.metadata.occurredAt) });
      // Whether the address is verified by now (not only as of this event) decides whether a verification mail is still needed.
      const latest = event?.type === 'EmailVerificationRequested' ? foldUserProfile(stream) : profile;
      const mail = accountMail(event, { ...profile, emailVerified: latest?.emailVerified ?? profile.emailVerified }, recorded, now);
      if (mail) mails.push(mail);
      if ((newest.get(userID)?.version ?? -1) < profile.version) newest.set(userID, profile);
    }
    if (mails.length === 0 && newest.size === 0) return 0;
    return deps.db.transaction(async (tx) => {
      // Recorded whether or not this copy of the profile is news: the directory may have copied a later version already.
      const recordedMail = await recordNotifications(tx, mails, now);
      const changers = [...defaultsChanged.keys()];
      const { rows: kept } = changers.length === 0
        ? { rows: [] }
        : await tx.query<{ user_id: string; version: string }>('select user_id::text, version::text from notifier_users where user_id = any($1::uuid[]) for update', [changers]);
      const keptVersion = new Map(kept.map((row) => [row.user_id, Number(row.version)] as const));
      const written = await saveUserProfiles(tx, [...newest.values()]);
      // New defaults this copy had not seen: the user's reminders are planned again wherever they use their defaults.
      for (const [userID, { version, changedAt }] of defaultsChanged) {
        const profile = newest.get(userID);
        if (!profile || !written.has(userID) || version <= (keptVersion.get(userID) ?? -1)) continue;
        const { rows } = await tx.query<{ event_id: string; state: EventState }>(
          `select event_id::text, state from notifier_calendar_events where (state->'attendees') ? $1 and state->>'status' = 'scheduled'`,
          [userID],
        );
        for (const { event_id, state } of rows) {
          if (state.reminders[userID]?.useDefault === false) continue;
          await replaceReminders(tx, event_id, planReminders(state, () => profile.defaultReminders ?? undefined, changedAt, userID), userID);
        }
      }
      return recordedMail;
    });
  };
}
