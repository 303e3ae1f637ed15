import { isAccountSecurityEvent, parseUserEvent, type RecordedEvent } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';

/** The rm_users columns a setting event writes, each with the event's value as stored. */
const SETTING_COLUMNS = ['time_zone', 'default_reminders', 'add_invitations', 'working_hours'] as const;
type SettingColumn = (typeof SETTING_COLUMNS)[number];

interface SettingsRow {
  user_id: string;
  /** The newest version among the person's setting events in the batch. */
  version: number;
  /** Per column, the value of the newest event that set it and that event's version (`<column>_version`). */
  [column: string]: unknown;
}

/**
 * Projects User streams into rm_users with two statements however many people a batch holds: the
 * registrations in one insert, and each person's setting changes folded into one row of one update.
 * Each column is guarded by the version of the newest event that set it, the row by the newest of all,
 * so the row ends exactly as applying the events one by one (each only above the row's version) leaves it.
 */
export async function projectUsers(tx: SqlExecutor, batch: readonly RecordedEvent[]): Promise<void> {
  const registered = new Map<string, { user_id: string; user_name: string; email: string; time_zone: string; version: number }>();
  const settings = new Map<string, SettingsRow>();
  for (const recorded of batch) {
    const event = parseUserEvent(recorded);
    // Calendar list settings are read from the User stream itself (GET /users/me/calendarList, GET /events): no column.
    if (!event || event.type === 'EmailClaimed' || event.type === 'CalendarListEntryChanged' || isAccountSecurityEvent(event)) continue;
    const version = recorded.streamVersion;
    if (event.type === 'UserRegistered') {
      const d = event.data;
      // Registration writes the row once (on conflict do nothing): the earliest version the batch holds.
      const seen = registered.get(d.userID);
      if (!seen || version < seen.version) registered.set(d.userID, { user_id: d.userID, user_name: d.userName, email: d.email, time_zone: d.timeZone, version });
      continue;
    }
    const [column, value]: [SettingColumn, unknown] =
      event.type === 'PreferredTimeZoneChanged' ? ['time_zone', event.data.timeZone]
      : event.type === 'DefaultRemindersChanged' ? ['default_reminders', event.data.reminders]
      : event.type === 'InvitationsSettingChanged' ? ['add_invitations', event.data.addInvitations]
      : ['working_hours', event.data.workingHours];
    const row = settings.get(event.data.userID) ?? { user_id: event.data.userID, version: 0 };
    settings.set(event.data.userID, row);
    row.version = Math.max(row.version, version);
    if (version > ((row[`${column}_version`] as number | undefined) ?? 0)) {
      row[column] = value;
      row[`${column}_version`] = version;
    }
  }
  if (registered.size > 0) {
    await tx.query(
      `insert into rm_users (user_id, user_name, email, time_zone, version)
       select user_id, user_name, email, time_zone, version
       from jsonb_to_recordset($1::jsonb) as r(user_id uuid, user_name text, email text, time_zone text, version bigint)
       on conflict (user_id) do nothing`,
      [JSON.stringify([...registered.values()])],
    );
  }
  if (settings.size > 0) {
    const set = SETTING_COLUMNS.map((c) => `${c} = case when r.${c}_version > u.version then r.${c} else u.${c} end`).join(', ');
    await tx.query(
      `update rm_users u set ${set}, version = r.version
       from jsonb_to_recordset($1::jsonb) as r(user_id uuid, version bigint, time_zone text, time_zone_version bigint, default_reminders jsonb,
         default_reminders_version bigint, add_invitations text, add_invitations_version bigint, working_hours jsonb, working_hours_version bigint)
       where u.user_id = r.user_id and u.version < r.version`,
      [JSON.stringify([...settings.values()])],
    );
  }
}
