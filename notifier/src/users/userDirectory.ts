import { evolveUser, initialUserState, parseUserEvent, userStreamName } from '@datebook/shared-kernel';
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
 * Folds a User stream up to `upTo` (inclusive) with the User aggregate's own fold; undefined when the
 * user never registered. The version is that of the last event read after the registration.
 */
export async function readUserProfile(store: EventStore, userID: string, upTo = Number.POSITIVE_INFINITY): Promise<UserProfile | undefined> {
  const { events } = await store.readStream(userStreamName(userID));
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

/** Keeps a profile unless a newer version is already stored; true when this one was written. */
export async function saveUserProfile(db: SqlExecutor, profile: UserProfile): Promise<boolean> {
  const { rows } = await db.query(
    `insert into notifier_users (user_id, version, email, user_name, time_zone, default_reminders, email_verified) values ($1, $2, $3, $4, $5, $6::jsonb, $7)
     on conflict (user_id) do update set version = excluded.version, email = excluded.email, user_name = excluded.user_name,
       time_zone = excluded.time_zone, default_reminders = excluded.default_reminders, email_verified = excluded.email_verified
     where notifier_users.version < excluded.version
     returning user_id`,
    [profile.userID, profile.version, profile.email, profile.userName, profile.timeZone, profile.defaultReminders === null ? null : JSON.stringify(profile.defaultReminders), profile.emailVerified],
  );
  return rows.length > 0;
}

/**
 * Names, addresses, zones and default reminders of users. Kept from the User streams as the consumer
 * sees them; a user whose stream has not been delivered yet (no order across streams) is read from
 * the store directly, and so is one whose address is not verified yet: the verification may be on
 * its way on another partition, and a message to them is about to be sent or skipped on it.
 */
export function userDirectory(db: SqlExecutor, store: EventStore) {
  return {
    async get(userIDs: Iterable<string>): Promise<Map<string, UserProfile>> {
      const ids = [...new Set(userIDs)];
      const found = new Map<string, UserProfile>();
      if (ids.length === 0) return found;
      const { rows } = await db.query<UserRow>('select * from notifier_users where user_id = any($1::uuid[])', [ids]);
      for (const row of rows) if (row.email_verified) found.set(row.user_id, toProfile(row));
      for (const id of ids) {
        if (found.has(id)) continue;
        const profile = await readUserProfile(store, id);
        if (!profile) continue;
        await saveUserProfile(db, profile);
        found.set(id, profile);
      }
      return found;
    },
  };
}
export type UserDirectory = ReturnType<typeof userDirectory>;
