import { type CalendarEventDetails, readDateOrDateTime, type ZoneResolver } from '@datebook/shared-kernel';
import { Temporal } from 'temporal-polyfill';
import type { ItipEventReply } from './itipReplyReader';

const DAY_MS = 86_400_000;
const isoDate = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** A wall time (ms on the local clock) in an IANA zone, as an instant; a wall time in a gap names the instance after it (RFC 5545 §3.3.5). */
function instantIn(zone: string, wall: number): number {
  const at = new Date(wall);
  const local = Temporal.PlainDateTime.from({
    year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate(), hour: at.getUTCHours(), minute: at.getUTCMinutes(), second: at.getUTCSeconds(),
  });
  return local.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
}

/**
 * The original start (the domain's key of an occurrence: a date for an all-day series, else an ISO instant)
 * that a REPLY's RECURRENCE-ID names, or undefined when the value is no DATE or DATE-TIME (RFC 5545 §3.3.4,
 * §3.3.5) or a date for a timed series. Its TZID is read as the message defines it (`zones`: an IANA name, a
 * Windows name as Outlook writes, or the message's own VTIMEZONE); a floating time, or a TZID the message
 * does not define, in the series' own zone, the one the request it answers used. Whether the result is an
 * occurrence of the series the decider checks.
 */
export function originalStartOf(recurrenceID: NonNullable<ItipEventReply['recurrenceID']>, event: Pick<CalendarEventDetails, 'allDay' | 'timeZone'>, zones?: ZoneResolver): string | undefined {
  const value = readDateOrDateTime(recurrenceID.value);
  if (value === null) return undefined;
  if (event.allDay) return isoDate(value.kind === 'date' ? value.day : Math.floor((value.kind === 'utc' ? value.epochMs : value.wall) / DAY_MS));
  if (value.kind === 'date' || recurrenceID.date) return undefined;
  if (value.kind === 'utc') return new Date(value.epochMs).toISOString();
  try {
    // A VTIMEZONE whose rules pass the message's budget throws here too: its times are read as no occurrence.
    const zone = recurrenceID.tzid === null ? undefined : zones?.resolve(recurrenceID.tzid, value.wall);
    if (zone?.kind === 'offsets') return new Date(zone.rules.instantOf(value.wall)).toISOString();
    return new Date(instantIn(zone?.zone ?? event.timeZone, value.wall)).toISOString();
  } catch {
    return undefined;
  }
}
