import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { backgroundLoop } from '../background/loop';
import type { EventState } from '../calendarEvents/eventState';
import type { UserDirectory } from '../users/userDirectory';
import { planReminders } from './reminderPlan';
import { addReminders } from './reminderStore';

/**
 * A series only has timers within SERIES_PLANNING_HORIZON_MS of its last change; as time moves on,
 * this adds the timers of the occurrences that came into the horizon. It only adds: timers already
 * there (due or not) stay, and a plan made "now" holds no reminder whose time has passed, so none
 * fires twice.
 */
export function seriesReplanner(options: { db: SqlDatabase; directory: UserDirectory; clock: () => Date; logger: Logger; intervalMs: number }) {
  const { db, directory, logger } = options;
  async function tick(): Promise<boolean> {
    const { rows } = await db.query<{ event_id: string; state: EventState }>(
      `select event_id::text, state from notifier_calendar_events where state->>'status' = 'scheduled' and jsonb_array_length(coalesce(state->'recurrence', '[]'::jsonb)) > 0`,
    );
    const now = options.clock();
    let added = 0;
    for (const { state } of rows) {
      const profiles = await directory.get(Object.keys(state.attendees));
      added += await addReminders(db, planReminders(state, (id) => profiles.get(id)?.defaultReminders ?? undefined, now));
    }
    if (added > 0) logger.info({ series: rows.length, added }, 'series reminders extended');
    return false;
  }
  return backgroundLoop({ tick, idleMs: options.intervalMs, errorMs: 60_000, onError: (err) => logger.warn({ err }, 'series re-planning failed') });
}
