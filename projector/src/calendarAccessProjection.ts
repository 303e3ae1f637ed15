import { type CalendarStreamEvent, parseCalendarStreamEvent, parseStreamName, type RecordedEvent, ruleIDOf } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';

/**
 * Projects Calendar streams into rm_calendars and rm_calendar_rules: which calendars each person was
 * given (their calendar list's candidates). Readers confirm every right against the store itself, so
 * this index may lag but never grants anything. Each event writes only what it changes (a grant on a
 * calendar shared with 10,000 people is one row), guarded by the calendar's stream version.
 */
export async function projectCalendars(tx: SqlExecutor, batch: RecordedEvent[]): Promise<void> {
  const ids = [...new Set(batch.map((e) => parseStreamName(e.streamName).id))];
  const { rows } = await tx.query<{ calendar_id: string; version: string }>(
    'select calendar_id, version::text from rm_calendars where calendar_id = any($1::uuid[]) for update',
    [ids],
  );
  const versions = new Map(rows.map((r) => [r.calendar_id, Number(r.version)]));
  for (const recorded of batch) {
    const event = parseCalendarStreamEvent(recorded);
    const calendarID = parseStreamName(recorded.streamName).id;
    if (!event || recorded.streamVersion <= (versions.get(calendarID) ?? 0)) continue;
    // A calendar's row exists from its first event on; every later event of it moves its version.
    if (event.type !== 'CalendarCreated' && !versions.has(calendarID)) continue;
    await apply(tx, calendarID, event, recorded.streamVersion);
    versions.set(calendarID, recorded.streamVersion);
  }
}

async function apply(tx: SqlExecutor, calendarID: string, event: CalendarStreamEvent, version: number): Promise<void> {
  switch (event.type) {
    case 'CalendarCreated': {
      const d = event.data;
      await tx.query(
        `insert into rm_calendars (calendar_id, owner_id, is_primary, summary, status, time_zone, version) values ($1, $2, $3, $4, 'active', $5, $6)
         on conflict (calendar_id) do update set owner_id = excluded.owner_id, is_primary = excluded.is_primary, summary = excluded.summary,
           status = excluded.status, time_zone = excluded.time_zone, version = excluded.version`,
        [calendarID, d.ownerID, d.primary, d.summary, d.timeZone, version],
      );
      await putRule(tx, calendarID, ruleIDOf({ type: 'user', userID: d.ownerID }), d.ownerID, null, 'owner');
      return;
    }
    case 'CalendarDetailsChanged':
      await tx.query('update rm_calendars set summary = $2, version = $3 where calendar_id = $1', [calendarID, event.data.summary, version]);
      return;
    case 'CalendarTimeZoneChanged':
      await tx.query('update rm_calendars set time_zone = $2, version = $3 where calendar_id = $1', [calendarID, event.data.timeZone, version]);
      return;
    case 'CalendarDeleted':
      await tx.query("update rm_calendars set status = 'deleted', version = $2 where calendar_id = $1", [calendarID, version]);
      await tx.query('delete from rm_calendar_rules where calendar_id = $1', [calendarID]);
      return;
    case 'AccessGranted': {
      const { ruleID, scope, role } = event.data;
      // Everyone's rule names nobody's list (see listedRole): it is not kept here.
      if (scope.type !== 'default') await putRule(tx, calendarID, ruleID, scope.type === 'user' ? scope.userID : null, scope.type === 'email' ? scope.email : null, role);
      break;
    }
    case 'AccessChanged':
      await tx.query('update rm_calendar_rules set role = $3 where calendar_id = $1 and rule_id = $2', [calendarID, event.data.ruleID, event.data.role]);
      break;
    case 'AccessRevoked':
      await tx.query('delete from rm_calendar_rules where calendar_id = $1 and rule_id = $2', [calendarID, event.data.ruleID]);
      break;
    case 'SubscriptionSourceSet':
      await tx.query('update rm_calendars set subscription_url = $2 where calendar_id = $1', [calendarID, event.data.url]);
      break;
  }
  await tx.query('update rm_calendars set version = $2 where calendar_id = $1', [calendarID, version]);
}

function putRule(tx: SqlExecutor, calendarID: string, ruleID: string, userID: string | null, email: string | null, role: string) {
  return tx.query(
    `insert into rm_calendar_rules (calendar_id, rule_id, user_id, email, role) values ($1, $2, $3, $4, $5)
     on conflict (calendar_id, rule_id) do update set user_id = excluded.user_id, email = excluded.email, role = excluded.role`,
    [calendarID, ruleID, userID, email, role],
  );
}
