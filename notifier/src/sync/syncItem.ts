import { type AccessRole, seesBusyTimeOnly } from '@datebook/shared-kernel';
import type { EventView } from './changeFeed';

/** An event as one reader's device gets it: the view of the principal it is shown through, with the reader's role. */
export type SyncItem = (EventView & { accessRole: AccessRole }) | BusyItem;

/** An event shown as busy time only (a free/busy reader's, or a reader's view of a private event): when, not what. */
export interface BusyItem {
  eventID: string;
  calendarID: string;
  accessRole: AccessRole;
  busy: true;
  status: 'scheduled' | 'cancelled';
  startTime: string;
  endTime: string;
  timeZone: string;
  allDay: boolean;
  startDate?: string;
  endDate?: string;
  /** A series' rule lines: when it is busy, nothing else. */
  recurrence: string[];
}

/**
 * Through which principal a reader sees an event that several of their principals hold, so that each event
 * reaches a device once and always the same way: their own (they are on it: it carries their answer, as
 * GET /events keeps their own row), else the calendar the event is on, else the first (by id) other
 * calendar holding it (a person whose primary calendar is shared is invited to it). Undefined: none holds it.
 */
export function shownThrough(readerID: string, holders: ReadonlySet<string>, calendarID: string): string | undefined {
  if (holders.has(readerID)) return readerID;
  if (holders.has(calendarID)) return calendarID;
  let first: string | undefined;
  for (const id of holders) if (first === undefined || id < first) first = id;
  return first;
}

/**
 * A principal's view as the reader may see it, shaped as GET /events shapes its items (calendarSelection.ts
 * asSeenWith): every item says its `calendarID` and the reader's `accessRole` (on their own calendar,
 * owner); a free/busy reader's items, and a reader's view of a private event, are busy blocks.
 */
export function itemFor(view: EventView, principalID: string, readerID: string, role: AccessRole): SyncItem {
  const calendarID = view.calendarID ?? view.hostID;
  if (principalID === readerID) return { ...view, calendarID, accessRole: 'owner' };
  const busyOnly = seesBusyTimeOnly(role, view.visibility, false);
  if (!busyOnly) return { ...view, calendarID, accessRole: role };
  const { eventID, status, startTime, endTime, timeZone, allDay, startDate, endDate, recurrence } = view;
  return { eventID, calendarID, accessRole: role, busy: true, status, startTime, endTime, timeZone, allDay, ...(startDate && endDate ? { startDate, endDate } : {}), recurrence };
}
