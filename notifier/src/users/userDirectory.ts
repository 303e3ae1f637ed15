import { evolveUser, initialUserState, parseUserEvent, type RecordedEvent, userStreamName } from '@datebook/shared-kernel';
import type { EventStore, SqlExecutor } from '@datebook/shared-kernel/ports';
import type { Reminder } from '../reminderEvents';

export interface UserProfile {
  userID: string;
  version: number;
  email: string;
  userName: string;
  timeZone: string;
  /** Null until the user sets their own defaults. */
  defaultReminders: Reminder[] | null;
  /** The owner confirmed the address: until then it gets account mail only (see `unverifiedAddresses`). */
  emailVerified: boolean;
}

interface UserRow {
  user_id: string;
  version: string | number;
  email: string;
  user_name: string;
  time_zone: string;
  default_reminders: Reminder[] | null;
  email_verified: boolean;
}

const toProfile = (row: UserRow): UserProfile => ({
  userID: row.user_id,
  version: Number(row.version),
  email: row.email,
  userName: row.user_name,
  timeZone: row.time_zone,
  defaultReminders: row.default_reminders,
  emailVerified: row.email_verified,
});

/**
 * Folds a User stream's events up to `upTo` (inclusive) with the User aggregate's own fold; undefined when
 * the user never registered. The version is that of the last event read after the registration.
 */
export function foldUserProfile(events: readonly RecordedEvent[], upTo = Number.POSITIVE_INFINITY): UserProfile | undefined {
  let user = initialUserState();
  let version = 0;
  for (const recorded of events) {
    if (recorded.streamVersion > upTo) break;
    const event = parseUserEvent(recorded);
    if (event) user = evolveUser(user, event);
    if (user.status === 'registered') version = recorded.streamVersion;
  }
  if (user.status !== 'registered') return undefined;
  return {
    userID: user.userID, version, email: user.email, userName: user.userName, timeZone: user.timeZone,
    defaultReminders: user.defaultReminders ?? null, emailVerified: user.emailVerified,
  };
}

/**
 * Keeps each profile unless the same or a newer version of it is stored already, in one statement for
 * many; returns the users whose profile was written.
 */
export async function saveUserProfiles(db: SqlExecutor, profiles: readonly UserProfile[]): Promise<Set<string>> {
  if (profiles.length === 0) return new Set();
  const { rows } = await db.query<{ user_id: string }>(
    `insert into notifier_users (user_id, version, email, user_name, time_zone, default_reminders, email_verified)
     select p."userID", p.version, p.email, p."userName", p."timeZone", p."defaultReminders", p."emailVerified"
     from jsonb_to_recordset($1::jsonb) as p("userID" uuid, version bigint, email text, "userName" text, "timeZone" text, "defaultReminders" jsonb, "emailVerified" boolean)
     order by p."userID"
     on conflict (user_id) do update set version = excluded.version, email = excluded.email, user_name = excluded.user_name,
       time_zone = excluded.time_zone, default_reminders = excluded.default_reminders, email_verified = excluded.email_verified
     where notifier_users.version < excluded.version
     returning user_id::text`,
    [JSON.stringify(profiles)],
  );
  return new Set(rows.map((row) => row.user_id));
}

/**
 * Names, addresses, zones and default reminders of users. Kept from the User streams as the consumer
 * sees them; a user whose stream has not been delivered yet (no order across streams) is read from
 * the store directly, and so is one whose address is not verified yet: the verification may be on
 * its way on another partition, and a message to them is about to be sent or skipped on it. One
 * lookup answers for many users (a whole delivery): one query, one read of the store for all the
 * streams it needs, and the profiles found newer than the kept ones saved in one statement.
 */
export function userDirectory(db: SqlExecutor, store: EventStore) {
  return {
    /**
     * `verificationDecides`, when given, names the users whose verification decides something now (those
     * about to be mailed, a sender writing to addresses): only they are read from the store while their
     * address is unverified; for anyone else the kept copy serves, as it does for verified users.
     */
    async get(userIDs: Iterable<string>, verificationDecides?: ReadonlySet<string>): Promise<Map<string, UserProfile>> {
      const ids = [...new Set(userIDs)];
      const found = new Map<string, UserProfile>();
      if (ids.length === 0) return found;
      const { rows } = await db.query<UserRow>('select * from notifier_users where user_id = any($1::uuid[])', [ids]);
      const kept = new Map(rows.map((row) => [row.user_id, Number(row.version)]));
      for (const row of rows) if (row.email_verified || (verificationDecides && !verificationDecides.has(row.user_id))) found.set(row.user_id, toProfile(row));
      const unread = ids.filter((id) => !found.has(id));
      const streams = unread.length === 0 ? [] : await store.readStreams(unread.map((id) => ({ streamName: userStreamName(id) })));
      const newer: UserProfile[] = [];
      streams.forEach(({ events }, index) => {
        const id = unread[index] as string;
        const profile = foldUserProfile(events);
        if (!profile) return;
        found.set(id, profile);
        if ((kept.get(id) ?? -1) < profile.version) newer.push(profile);
      });
      await saveUserProfiles(db, newer);
      return found;
    },
  };
}
export type UserDirectory = ReturnType<typeof userDirectory>;
