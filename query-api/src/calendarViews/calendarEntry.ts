import { isRecurring } from '@datebook/shared-kernel';
import type { PersonalOccurrence } from '@datebook/shared-kernel/ports';
import { Temporal } from 'temporal-polyfill';

export interface CalendarEntry {
  /** The event's id; for an occurrence of a series `<seriesID>_<original start, basic format>`, as Google Calendar does. */
  eventID: string;
  userID: string;
  /** The calendar the event is on. */
  calendarID: string;
  /** Only when not the default (RFC 5545 CLASS). */
  visibility?: 'public' | 'private';
  title: string;
  startTime: string;
  endTime: string;
  timeZone: string;
  location: string | null;
  rsvpStatus: string;
  allDay: boolean;
  startDate?: string;
  endDate?: string;
  recurringEventID?: string;
  originalStartTime?: string;
}

const compact = (originalStart: string) => originalStart.replace(/\.\d{3}Z$/, 'Z').replaceAll('-', '').replaceAll(':', '');

/** The id an occurrence is listed under. */
export function itemIDOf(o: PersonalOccurrence): string {
  const event = o.row.event;
  return isRecurring(event) ? `${event.eventID}_${compact(o.originalStart)}` : event.eventID;
}

export function entryOf(o: PersonalOccurrence, eventID = itemIDOf(o)): CalendarEntry {
  const event = o.row.event;
  return {
    eventID,
    userID: event.hostID, calendarID: event.calendarID ?? event.hostID,
    ...(event.visibility && event.visibility !== 'default' ? { visibility: event.visibility } : {}),
    title: o.title, startTime: o.startTime, endTime: o.endTime, timeZone: event.timeZone, location: o.location,
    rsvpStatus: o.rsvpStatus, allDay: event.allDay,
    ...(event.allDay && o.startDate && o.endDate ? { startDate: o.startDate, endDate: o.endDate } : {}),
    ...(isRecurring(event) ? { recurringEventID: event.eventID, originalStartTime: o.originalStart } : {}),
  };
}

/** Where an item sorts: its start; an all-day item at the start of its first day in the viewer's zone. */
export function sortKeyOf(o: PersonalOccurrence, viewerZone: string): number {
  return o.startDate !== null && o.row.event.allDay
    ? Temporal.PlainDate.from(o.startDate).toZonedDateTime({ timeZone: viewerZone }).epochMilliseconds
    : Date.parse(o.startTime);
}

/** The order of calendar items, paged or not: by start key, then by item id compared by code unit (not by locale). */
export const byKeyThenID = (a: { key: number; id: string }, b: { key: number; id: string }) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
