import { atLeast, type EffectiveRole, seesBusyTimeOnly } from '@datebook/shared-kernel';
import { calendarReaderOf, type EventStore, roleOn, rolesOn, type SqlExecutor, type AttendanceRow } from '@datebook/shared-kernel/ports';
import { personalCalendarList } from '../calendarList/personalCalendarList';
import type { CalendarEntry } from './calendarEntry';

/** A calendar a person reads besides their own, with their role on it as the store says now. */
export interface SelectedCalendar {
  calendarID: string;
  role: EffectiveRole;
}

/**
 * The calendars a person's views read together: their primary (their own id) and every other calendar of
 * their list (`personalCalendarList`) they left selected and did not hide. Each is confirmed against the
 * calendar's rules in the store, so a revoked person's very next read leaves it out, whatever the read
 * model's lag; their settings come from the same one read of their User stream that says who they are.
 */
export function calendarSelection(deps: { store: EventStore; readModel: SqlExecutor }) {
  const list = personalCalendarList(deps);
  return {
    /** The person's role on one calendar, from its rules in the store. */
    async roleOf(calendarID: string, userID: string): Promise<EffectiveRole> {
      return (await roleOn(deps.store, calendarID, await calendarReaderOf(deps.store, userID))).role;
    },

    /**
     * `narrowedTo` (the request's calendarIDs) reads exactly those calendars the person may see, selected, hidden or not listed.
     * `beforeRights` is told which calendars' rules are about to be read, before they are (a reader keeping the answer reads their stamps then).
     */
    async selectedBy(userID: string, narrowedTo?: string[], beforeRights?: (calendarIDs: string[]) => Promise<void>): Promise<SelectedCalendar[]> {
      const owner = await list.ownerOf(userID);
      if (narrowedTo) {
        await beforeRights?.(narrowedTo);
        const asked = (await rolesOn(deps.store, narrowedTo, owner.reader)).map(({ role }, i) => ({ calendarID: narrowedTo[i]!, role }));
        return asked.filter((c) => atLeast(c.role, 'freeBusyReader'));
      }
      // Deselected and hidden calendars are left out before their rules are read; the primary is always read.
      const wanted = (await list.candidatesOf(owner)).filter((calendarID) => {
        const { selected, hidden } = owner.settingsOf(calendarID);
        return calendarID === userID || (selected && !hidden);
      });
      await beforeRights?.(wanted);
      // A person always owns their own primary (the Calendar decider keeps it so): no read needed for it.
      const others = wanted.filter((calendarID) => calendarID !== userID);
      const confirmed = [{ calendarID: userID, role: 'owner' as const }, ...(await list.confirmedAll(owner, others))];
      return confirmed.filter((c) => atLeast(c.role, 'freeBusyReader')).map(({ calendarID, role }) => ({ calendarID, role }));
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
  const busyOnly = seesBusyTimeOnly(role, entry.visibility, onEvent);
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
