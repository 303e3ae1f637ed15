import { parseStreamName, parseUserEvent, type RecordedEvent } from '@datebook/shared-kernel';
import type { EventStore, SqlDatabase } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import type { EventState } from '../calendarEvents/eventState';
import { planReminders } from '../reminders/reminderPlan';
import { replaceReminders } from '../reminders/reminderStore';
import { readUserProfile, saveUserProfile } from './userDirectory';

/**
 * Keeps the notifier's copy of a user (address, name, zone, default reminders) and, when the
 * defaults change, re-plans that user's reminders on every event where they use their defaults.
 */
export function userReactor(deps: { db: SqlDatabase; store: EventStore; logger: Logger }) {
  return async function react(recorded: RecordedEvent): Promise<void> {
    const userID = parseStreamName(recorded.streamName).id;
    const profile = await readUserProfile(deps.store, userID, recorded.streamVersion);
    if (!profile) return;
    let defaultsChanged = false;
    try {
      defaultsChanged = parseUserEvent(recorded.type, recorded.data)?.type === 'DefaultRemindersChanged';
    } catch (error) {
      deps.logger.error({ err: error, stream: recorded.streamName, eventType: recorded.type }, 'event does not parse; passed over');
    }
    const changedAt = new Date(recorded.metadata.occurredAt);
    const events = defaultsChanged
      ? (await deps.db.query<{ event_id: string; state: EventState }>(
          `select event_id::text, state from notifier_calendar_events where (state->'attendees') ? $1 and state->>'status' = 'scheduled'`,
          [userID],
        )).rows
      : [];
    await deps.db.transaction(async (tx) => {
      if (!(await saveUserProfile(tx, profile))) return;
      for (const { event_id, state } of events) {
        if (state.reminders[userID]?.useDefault === false) continue;
        await replaceReminders(tx, event_id, planReminders(state, () => profile.defaultReminders ?? undefined, changedAt, userID), userID);
      }
    });
  };
}
