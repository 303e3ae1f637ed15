import {
  type CalendarState,
  evolveCalendar,
  initialCalendarState,
  parseCalendarStreamEvent,
  parseStreamName,
  type RecordedEvent,
} from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';

/**
 * Projects Calendar streams into rm_calendars and rm_calendar_rules: which calendars each person was
 * given (their calendar list's candidates). Readers confirm every right against the store itself, so
 * this index may lag but never grants anything. Guarded by stream version like the other projections.
 */
export async function projectCalendars(tx: SqlExecutor, batch: RecordedEvent[]): Promise<void> {
  const ids = [...new Set(batch.map((e) => parseStreamName(e.streamName).id))];
  const { rows } = await tx.query<{ calendar_id: string; state: CalendarState; version: string }>(
    'select calendar_id, state, version::text from rm_calendars where calendar_id = any($1::uuid[]) for update',
    [ids],
  );
  const folded = new Map(rows.map((r) => [r.calendar_id, { state: r.state, version: Number(r.version), changed: false }]));
  for (const recorded of batch) {
    const event = parseCalendarStreamEvent(recorded);
    const { id } = parseStreamName(recorded.streamName);
    const current = folded.get(id) ?? { state: initialCalendarState(), version: 0, changed: false };
    if (!event || recorded.streamVersion <= current.version) continue;
    folded.set(id, { state: evolveCalendar(current.state, event), version: recorded.streamVersion, changed: true });
  }
  for (const [calendarID, { state, version, changed }] of folded) {
    if (!changed || state.status === 'absent') continue;
    await tx.query(
      `insert into rm_calendars (calendar_id, owner_id, is_primary, summary, status, state, version) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (calendar_id) do update set owner_id = excluded.owner_id, is_primary = excluded.is_primary, summary = excluded.summary,
         status = excluded.status, state = excluded.state, version = excluded.version`,
      [calendarID, state.ownerID, state.primary, state.summary, state.status, JSON.stringify(state), version],
    );
    await tx.query('delete from rm_calendar_rules where calendar_id = $1', [calendarID]);
    const rules = state.status === 'deleted' ? [] : Object.values(state.rules).filter((rule) => rule.scope.type !== 'default');
    for (const rule of rules) {
      await tx.query(
        'insert into rm_calendar_rules (calendar_id, rule_id, user_id, email, role) values ($1, $2, $3, $4, $5)',
        [calendarID, rule.ruleID, rule.scope.type === 'user' ? rule.scope.userID : null, rule.scope.type === 'email' ? rule.scope.email : null, rule.role],
      );
    }
  }
}
