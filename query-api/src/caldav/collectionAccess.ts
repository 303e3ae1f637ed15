import { type AccessRole, accessRoleOf, type CalendarDetails } from '@datebook/shared-kernel';
import { caldavName, DavError, davName, type QName } from '@datebook/shared-kernel/dav';
import { type EventStore, type LoadedCalendar, roleOn } from '@datebook/shared-kernel/ports';
import type { DavViewer } from './davViewer';

/** A collection the viewer may see, with their role on its calendar as its rules in the store say now. */
export interface SeenCollection {
  calendarID: string;
  calendar: CalendarDetails;
  role: AccessRole;
}

const roleWith = (calendar: LoadedCalendar, viewer: DavViewer) => ({ calendar, role: accessRoleOf(calendar.state, viewer.reader) });

/** 404 for a calendar the person may not see, an absent or a deleted one: they learn nothing of it. */
export const collectionNotFound = () => new DavError(404, 'no such calendar');

/**
 * The viewer's role on a calendar, read from the event store on every request (never a projection): a
 * revoked person's very next request is refused, whatever the read model's lag.
 */
export async function seenCollection(store: EventStore, viewer: DavViewer, calendarID: string, calendarOf?: (calendarID: string) => Promise<LoadedCalendar>): Promise<SeenCollection> {
  const { calendar, role } = calendarOf ? await roleWith(await calendarOf(calendarID), viewer) : await roleOn(store, calendarID, viewer.reader);
  const state = calendar.state;
  if (role === 'none' || state.status === 'absent' || state.status === 'deleted') throw collectionNotFound();
  return { calendarID, calendar: state, role };
}

/** Whether the role lets the viewer change the collection's events: a subscribed calendar is read-only for everyone. */
export const canWrite = (seen: Pick<SeenCollection, 'role' | 'calendar'>): boolean =>
  (seen.role === 'owner' || seen.role === 'writer') && seen.calendar.subscription === null;

/**
 * DAV:current-user-privilege-set (RFC 3744 §5.4) from the role: owners and writers read and write; readers
 * read; free/busy readers may only ask free-busy-query (RFC 4791 §6.1.1 CALDAV:read-free-busy).
 */
export function privilegesOf(seen: Pick<SeenCollection, 'role' | 'calendar'>): QName[] {
  if (seen.role === 'freeBusyReader') return [caldavName('read-free-busy')];
  if (!canWrite(seen)) return [davName('read')];
  return ['read', 'write', 'write-content', 'write-properties', 'bind', 'unbind'].map(davName);
}
