import { type BusyInterval, foldLine, type Interval, subtractIntervals, utcDateTime } from '@datebook/shared-kernel';
import { caldavName, caldavPrecondition, childNamed, type XmlElement } from '@datebook/shared-kernel/dav';
import { freeBusy } from '../availability/freeBusy';
import { timeRangeOf } from './calendarFilter';
import type { SeenCollection } from './collectionAccess';

/** Where busy time comes from: the same source as POST /freebusy (the cached views, else the read model). */
export type BusyTimeSource = (calendarIDs: string[], from: Date, to: Date) => Promise<Map<string, readonly BusyInterval[]>>;

/** The longest range one free-busy-query covers (a year): expansion of every series in it is bounded by it. */
const MAX_RANGE_MS = 366 * 86_400_000;

const period = (i: Interval) => `${utcDateTime(i.start)}/${utcDateTime(i.end)}`;

/** FREEBUSY lines of one type, folded (RFC 5545 §3.8.2.6). */
function freeBusyLines(type: 'BUSY' | 'BUSY-TENTATIVE', intervals: Interval[]): string[] {
  return intervals.length === 0 ? [] : [foldLine(`FREEBUSY;FBTYPE=${type}:${intervals.map(period).join(',')}`)];
}

/**
 * REPORT free-busy-query (RFC 4791 §7.10): the collection's busy time in the range as one VFREEBUSY, with no
 * title or detail: allowed to every role, free/busy readers included (§6.1.1 CALDAV:read-free-busy).
 * Accepted time is BUSY; time held by invitations not yet answered is BUSY-TENTATIVE (RFC 5545 §3.2.9).
 */
export async function freeBusyQueryReport(busyTime: BusyTimeSource, collection: SeenCollection, report: XmlElement, now: Date): Promise<string> {
  const element = childNamed(report, caldavName('time-range'));
  if (!element) throw caldavPrecondition(403, 'valid-filter', 'a free-busy-query holds a time-range');
  const range = timeRangeOf(element, { bothRequired: true });
  const window = { start: (range.start as Date).getTime(), end: (range.end as Date).getTime() };
  if (window.end - window.start > MAX_RANGE_MS) throw caldavPrecondition(403, 'max-date-time', 'a free-busy-query covers at most 366 days');
  const entries = (await busyTime([collection.calendarID], new Date(window.start), new Date(window.end))).get(collection.calendarID) ?? [];
  const busy = freeBusy(entries.filter((e) => e.kind !== 'tentative'), window).busy;
  const held = freeBusy(entries.filter((e) => e.kind === 'tentative'), window).busy;
  // Tentative where not also busy: held minus busy = window minus (what is not held, and busy).
  const tentative = subtractIntervals(window, [...subtractIntervals(window, held), ...busy]);
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Datebook//CalDAV//EN', 'BEGIN:VFREEBUSY',
    `DTSTAMP:${utcDateTime(now.getTime())}`, `DTSTART:${utcDateTime(window.start)}`, `DTEND:${utcDateTime(window.end)}`,
    ...freeBusyLines('BUSY', busy), ...freeBusyLines('BUSY-TENTATIVE', tentative),
    'END:VFREEBUSY', 'END:VCALENDAR',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
