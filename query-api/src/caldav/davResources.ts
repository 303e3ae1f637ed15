import { buildVTimezone, foldLine } from '@datebook/shared-kernel';
import {
  appleICalName, caldavName, calendarServerName, davName, hrefNodes, type QName, syncTokenOf, type CollectionVersion, xmlNode, xmlNodeWithAttributes, type XmlNode,
} from '@datebook/shared-kernel/dav';
import { privilegesOf, type SeenCollection } from './collectionAccess';
import { CALENDAR_HOME, PRINCIPALS, principalHref } from '@datebook/shared-kernel/dav';
import type { DavViewer } from './davViewer';
import { PropertyTable } from './propRequest';

const collection = () => xmlNode(davName('collection'));
const privilegeSet = (privileges: QName[]): XmlNode[] => privileges.map((p) => xmlNode(davName('privilege'), xmlNode(p)));
const reportSet = (reports: QName[]): XmlNode[] => reports.map((r) => xmlNode(davName('supported-report'), xmlNode(davName('report'), xmlNode(r))));

/** What every resource of the tree says about who is asking (RFC 5397 current-user-principal, RFC 3744 §5.8). */
function withViewer(table: PropertyTable, viewer: DavViewer): PropertyTable {
  return table
    .set(davName('current-user-principal'), hrefNodes(principalHref(viewer.userID)))
    .set(davName('principal-collection-set'), hrefNodes(PRINCIPALS), { allprop: false });
}

/** `/dav/` (and `/`): where discovery starts (RFC 6764 §6: current-user-principal). */
export function rootProperties(viewer: DavViewer): PropertyTable {
  return withViewer(new PropertyTable(), viewer)
    .set(davName('resourcetype'), [collection()])
    .set(davName('displayname'), ['Datebook'])
    .set(davName('current-user-privilege-set'), privilegeSet([davName('read')]), { allprop: false });
}

/** `/dav/principals/`: a collection holding the viewer's principal only. */
export function principalsProperties(viewer: DavViewer): PropertyTable {
  return withViewer(new PropertyTable(), viewer)
    .set(davName('resourcetype'), [collection()])
    .set(davName('displayname'), ['Principals'])
    .set(davName('current-user-privilege-set'), privilegeSet([davName('read')]), { allprop: false });
}

/** The viewer's principal (RFC 3744 §4, RFC 4791 §6.2.1, RFC 6638 §2.4.1): their name, home and addresses. */
export function principalProperties(viewer: DavViewer): PropertyTable {
  const self = principalHref(viewer.userID);
  return withViewer(new PropertyTable(), viewer)
    .set(davName('resourcetype'), [collection(), xmlNode(davName('principal'))])
    .set(davName('displayname'), [viewer.userName])
    .set(davName('principal-URL'), hrefNodes(self))
    .set(davName('owner'), hrefNodes(self), { allprop: false })
    .set(caldavName('calendar-home-set'), hrefNodes(CALENDAR_HOME))
    .set(caldavName('calendar-user-address-set'), hrefNodes(...(viewer.email ? [`mailto:${viewer.email}`] : []), self))
    .set(caldavName('calendar-user-type'), ['INDIVIDUAL'])
    .setIfPresent(calendarServerName('email-address-set'), viewer.email ? [xmlNode(calendarServerName('email-address'), viewer.email)] : null)
    .set(davName('current-user-privilege-set'), privilegeSet([davName('read')]), { allprop: false });
}

/** `/dav/calendars/`: the calendar home (RFC 4791 §6.2.1), whose members are the viewer's calendar list. */
export function homeProperties(viewer: DavViewer): PropertyTable {
  return withViewer(new PropertyTable(), viewer)
    .set(davName('resourcetype'), [collection()])
    .set(davName('displayname'), ['Calendars'])
    .set(davName('owner'), hrefNodes(principalHref(viewer.userID)), { allprop: false })
    .set(davName('current-user-privilege-set'), privilegeSet([davName('read')]), { allprop: false });
}

/** The reports a collection answers; a free/busy reader may ask only free-busy-query (RFC 4791 §7.10). */
function reportsOf(seen: SeenCollection): QName[] {
  const freeBusy = caldavName('free-busy-query');
  if (seen.role === 'freeBusyReader') return [freeBusy];
  return [caldavName('calendar-query'), caldavName('calendar-multiget'), davName('sync-collection'), freeBusy];
}

/**
 * One calendar collection (RFC 4791 §5.2): its name and description, the viewer's colour for it, what it
 * holds, its CTag and sync-token (the same change counter), the viewer's privileges and its owner.
 */
export function collectionProperties(viewer: DavViewer, seen: SeenCollection, version: CollectionVersion, now: Date): PropertyTable {
  const token = syncTokenOf(version);
  const zone = seen.calendar.timeZone;
  const color = viewer.settingsOf(seen.calendarID).color;
  return withViewer(new PropertyTable(), viewer)
    .set(davName('resourcetype'), [collection(), xmlNode(caldavName('calendar'))])
    .set(davName('displayname'), [seen.calendar.summary])
    .setIfPresent(caldavName('calendar-description'), seen.calendar.description === null ? null : [seen.calendar.description])
    .setIfPresent(appleICalName('calendar-color'), color ? [color] : null)
    .set(caldavName('calendar-timezone'), () => [calendarTimezone(zone, now)], { allprop: false })
    .set(caldavName('supported-calendar-component-set'), [xmlNodeWithAttributes(caldavName('comp'), { name: 'VEVENT' })])
    .set(caldavName('supported-calendar-data'), [xmlNodeWithAttributes(caldavName('calendar-data'), { 'content-type': 'text/calendar', version: '2.0' })], { allprop: false })
    .set(calendarServerName('getctag'), [token])
    .set(davName('sync-token'), [token])
    .set(davName('owner'), hrefNodes(principalHref(seen.calendar.ownerID)))
    .set(davName('current-user-privilege-set'), privilegeSet(privilegesOf(seen)), { allprop: false })
    .set(davName('supported-report-set'), reportSet(reportsOf(seen)), { allprop: false });
}

/** The years of a zone's rules the calendar-timezone property spells out (its transitions, RFC 5545 §3.6.5). */
const ZONE_YEARS_BEFORE = 1;
const ZONE_YEARS_AFTER = 10;
const YEAR_MS = 365.25 * 86_400_000;

/**
 * CALDAV:calendar-timezone (RFC 4791 §5.2.2): a VCALENDAR holding the VTIMEZONE of the calendar's zone, in
 * which clients read floating times and all-day dates of time-range queries (§9.9).
 */
function calendarTimezone(zone: string, now: Date): string {
  // From a midnight (UTC), so the value stays the same all day.
  const from = Math.floor((now.getTime() - ZONE_YEARS_BEFORE * YEAR_MS) / 86_400_000) * 86_400_000;
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Datebook//CalDAV//EN', ...buildVTimezone(zone, from, from + (ZONE_YEARS_BEFORE + ZONE_YEARS_AFTER) * YEAR_MS), 'END:VCALENDAR'];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}

/** The content type of every event resource (RFC 4791 §4.1: one component type per resource). */
export const CALENDAR_OBJECT_TYPE = 'text/calendar; charset=utf-8; component=vevent';

/** One event resource: its ETag and type, and its calendar-data when the request asks for it (REPORTs). */
export function objectProperties(etag: string, calendarData?: () => string): PropertyTable {
  const table = new PropertyTable()
    .set(davName('getetag'), [etag])
    .set(davName('getcontenttype'), [CALENDAR_OBJECT_TYPE])
    .set(davName('resourcetype'), []);
  // RFC 4791 §9.6: calendar-data is not listed by allprop.
  if (calendarData) table.set(caldavName('calendar-data'), () => [calendarData()], { allprop: false });
  return table;
}
