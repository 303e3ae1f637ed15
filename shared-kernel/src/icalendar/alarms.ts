import type { ReminderOverride } from '../events/reminders';
import type { ICalComponent } from './components';
import { propertyOf } from './components';
import { paramOf } from './contentLines';
import { durationMs, durationOfMinutes, readDateOrDateTime, readDuration } from './dateValues';
import { escapeText } from './textValue';

/** What the domain keeps per person and event (events/reminders.ts): at most 5, up to 4 weeks ahead. */
const MAX_REMINDERS = 5;
const MAX_MINUTES = 40_320;

/** Minutes before the start a VALARM's TRIGGER (RFC 5545 §3.8.6.3) names; undefined when after it or not relative to the start. */
function minutesBefore(alarm: ICalComponent, startMs: number): number | undefined {
  const trigger = propertyOf(alarm, 'TRIGGER');
  if (trigger === undefined) return undefined;
  let before: number;
  if (paramOf(trigger, 'VALUE')?.toUpperCase() === 'DATE-TIME') {
    const at = readDateOrDateTime(trigger.value);
    if (at?.kind !== 'utc') return undefined;
    before = startMs - at.epochMs;
  } else {
    // RELATED=END would need the length of every occurrence; only triggers on the start become reminders.
    if ((paramOf(trigger, 'RELATED') ?? 'START').toUpperCase() !== 'START') return undefined;
    const duration = readDuration(trigger.value);
    if (duration === null) return undefined;
    before = -durationMs(duration);
  }
  const minutes = Math.round(before / 60_000);
  return minutes >= 0 && minutes <= MAX_MINUTES ? minutes : undefined;
}

/**
 * The VEVENT's VALARMs (RFC 5545 §3.6.6) as the domain's reminders: ACTION:EMAIL → email, DISPLAY or
 * AUDIO → push, each with a trigger at or before the start; others (after the start, RELATED=END,
 * ACTION:NONE, PROCEDURE) are not reminders. Null when none is.
 */
export function remindersOf(event: ICalComponent, startMs: number): ReminderOverride[] | null {
  const found: ReminderOverride[] = [];
  for (const alarm of event.components) {
    if (alarm.name !== 'VALARM' || found.length >= MAX_REMINDERS) continue;
    const action = propertyOf(alarm, 'ACTION')?.value.trim().toUpperCase();
    const method = action === 'EMAIL' ? 'email' : action === 'DISPLAY' || action === 'AUDIO' ? 'push' : undefined;
    const minutes = minutesBefore(alarm, startMs);
    if (method === undefined || minutes === undefined) continue;
    if (!found.some((r) => r.method === method && r.minutes === minutes)) found.push({ method, minutes });
  }
  return found.length > 0 ? found : null;
}

/** A reminder as a VALARM: DISPLAY for push (DESCRIPTION required, §3.6.6), EMAIL to the viewer's address. */
export function alarmLines(reminder: ReminderOverride, title: string, viewerAddress: string | undefined): string[] {
  const trigger = `TRIGGER:${reminder.minutes === 0 ? '' : '-'}${durationOfMinutes(reminder.minutes)}`;
  if (reminder.method === 'email') {
    return [
      'BEGIN:VALARM', 'ACTION:EMAIL', trigger, `SUMMARY:${escapeText(title)}`, `DESCRIPTION:${escapeText(`Reminder: ${title}`)}`,
      ...(viewerAddress === undefined ? [] : [`ATTENDEE:${mailto(viewerAddress)}`]), 'END:VALARM',
    ];
  }
  return ['BEGIN:VALARM', 'ACTION:DISPLAY', trigger, `DESCRIPTION:${escapeText(title)}`, 'END:VALARM'];
}

/** A mailto: URI value (RFC 6068): an address has no whitespace, control characters or line breaks. */
export const mailto = (email: string): string => `mailto:${email.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '')}`;
