import { isRecurring, occurrencesOverlapping } from '@datebook/shared-kernel';
import type { EventState } from '../calendarEvents/eventState';
import { BUILT_IN_DEFAULT_REMINDERS, type Reminder } from '../reminderEvents';
import type { ScheduledReminder } from './scheduledReminder';

/** A user's own defaults; undefined until they set some. */
export type DefaultReminders = (userID: string) => readonly Reminder[] | undefined;

/** How far ahead a series' occurrences get timers; `planReminders` is run again as time moves on. */
export const SERIES_PLANNING_HORIZON_MS = 8 * 7 * 24 * 3_600_000;
const SERIES_OCCURRENCE_CAP = 200;

function occurrenceStarts(state: EventState, after: number): number[] {
  if (!isRecurring(state)) return [Date.parse(state.startTime)];
  const { occurrences } = occurrencesOverlapping(state, { from: after, to: after + SERIES_PLANNING_HORIZON_MS }, SERIES_OCCURRENCE_CAP);
  return occurrences.map((o) => Date.parse(o.startTime));
}

/**
 * Whether a person has said they will come to one occurrence: their answer to that occurrence if
 * they gave one, else their answer to the event. Only ACCEPTED and TENTATIVE count: an invitation
 * still awaiting an answer (NEEDS-ACTION, RFC 5545 §3.2.12) sends no reminders, or anyone could have
 * Datebook remind any address of their text at times of their choosing; accepting plans them.
 */
function attends(state: EventState, userID: string, start: number): boolean {
  const answers = state.occurrenceResponses[userID];
  const own = answers === undefined ? undefined : Object.entries(answers).find(([original]) => Date.parse(original) === start)?.[1];
  const answer = own ?? state.attendees[userID];
  return answer === 'ACCEPTED' || answer === 'TENTATIVE';
}

/**
 * The reminders an event should have, for every attendee who accepted (or tentatively accepted) it:
 * not for decliners, and not for invitees who have not answered yet. Reminders whose time had already
 * passed when the change was made are left out (a booking 5 minutes ahead gets no 10-minute reminder),
 * but reminders still ahead of the change stay in even if they are due by the time the notifier
 * processes it: they then go out late rather than never.
 */
export function planReminders(state: EventState | undefined, defaults: DefaultReminders, changedAt: Date, onlyUser?: string): ScheduledReminder[] {
  if (!state || state.status !== 'scheduled') return [];
  const starts = occurrenceStarts(state, changedAt.getTime()).filter((start) => start > changedAt.getTime());
  const planned: ScheduledReminder[] = [];
  for (const userID of Object.keys(state.attendees)) {
    if (onlyUser !== undefined && userID !== onlyUser) continue;
    const settings = state.reminders[userID] ?? { useDefault: true, overrides: [] };
    const wanted = settings.useDefault ? (defaults(userID) ?? BUILT_IN_DEFAULT_REMINDERS) : settings.overrides;
    for (const start of starts) {
      if (!attends(state, userID, start)) continue;
      const seen = new Set<string>();
      for (const { method, minutes } of wanted) {
        const key = `${method}/${minutes}`;
        const fireAt = start - minutes * 60_000;
        if (seen.has(key) || fireAt <= changedAt.getTime()) continue;
        seen.add(key);
        planned.push({ eventID: state.eventID, occurrenceStart: new Date(start).toISOString(), userID, method, minutes, fireAt: new Date(fireAt).toISOString() });
      }
    }
  }
  return planned;
}
