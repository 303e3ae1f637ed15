import { atLeast, type EffectiveRole } from '@datebook/shared-kernel';
import { calendarReaderOf, type EventStore, roleOn, type SqlExecutor, type AttendanceRow } from '@datebook/shared-kernel/ports';
import type { CalendarEntry } from './calendarEntry';

/** A calendar a person reads besides their own, with their role on it as the store says now. */
export interface SelectedCalendar {
  calendarID: string;
  role: EffectiveRole;
}

/**
 * The calendars a person's views read together: their primary (their own id) and every other calendar
 * they were given. The read model names the candidates (it may lag a grant by the projection's lag);
 * each is confirmed against the calendar's rules in the store, so a revoked person's very next read
 * leaves it out, whatever that lag.
 */
export function calendarSelection(deps: { store: EventStore; readModel: SqlExecutor }) {
  return {
    /** The person's role on one calendar, from its rules in the store. */
    async roleOf(calendarID: string, userID: string): Promise<EffectiveRole> {
      return (await roleOn(deps.store, calendarID, await calendarReaderOf(deps.store, userID))).role;
    },

    async selectedBy(userID: string, narrowedTo?: string[]): Promise<SelectedCalendar[]> {
      const reader = await calendarReaderOf(deps.store, userID);
      const { rows } = await deps.readModel.query<{ calendar_id: string }>(
        `select distinct r.calendar_id from rm_calendar_rules r join rm_calendars c on c.calendar_id = r.calendar_id
         where c.status = 'active' and (r.user_id = $1 or ($2::text is not null and r.email = $2)) and r.calendar_id <> $1`,
        [userID, reader.email ?? null],
      );
      const candidates = narrowedTo ?? [userID, ...rows.map((r) => r.calendar_id)];
      const confirmed = await Promise.all(candidates.map(async (calendarID) => ({ calendarID, role: (await roleOn(deps.store, calendarID, reader)).role })));
      return confirmed.filter((c) => atLeast(c.role, 'freeBusyReader'));
    },
  };
}

export type CalendarSelection = ReturnType<typeof calendarSelection>;

/**
 * One row per event: a person invited to an event on a calendar they also read keeps their own row
 * (it carries their answer), listed once.
 */
export function oneRowPerEvent(rows: AttendanceRow[], userID: string): AttendanceRow[] {
  const byEvent = new Map<string, AttendanceRow>();
  for (const row of rows) {
    const kept = byEvent.get(row.event.eventID);
    if (!kept || row.userID === userID) byEvent.set(row.event.eventID, row);
  }
  return [...byEvent.values()];
}

/**
 * What a role lets a person see of an item (Google's acl roles; RFC 5545 CLASS): a free/busy reader, or a
 * reader of a private event they are not on, sees a busy block only.
 */
export function asSeenWith(entry: CalendarEntry, onEvent: boolean, role: EffectiveRole): CalendarEntry | BusyBlock {
  const busyOnly = !onEvent && (role === 'freeBusyReader' || (role === 'reader' && entry.visibility === 'private'));
  if (!busyOnly) return { ...entry, accessRole: role };
  const { eventID, startTime, endTime, timeZone, allDay, startDate, endDate, calendarID } = entry;
  return { eventID, calendarID, accessRole: role, busy: true, startTime, endTime, timeZone, allDay, ...(startDate && endDate ? { startDate, endDate } : {}) };
}

/** An item shown as busy time only: when, not what. */
export interface BusyBlock {
  eventID: string;
  calendarID: string;
  accessRole: EffectiveRole;
  busy: true;
  startTime: string;
  endTime: string;
  timeZone: string;
  allDay: boolean;
  startDate?: string;
  endDate?: string;
}
