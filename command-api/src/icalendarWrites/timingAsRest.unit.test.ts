import { parseCalendarObjects } from '@datebook/shared-kernel';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { resolveTiming } from '../calendarEvents/eventTiming';

// The codec reads a VEVENT's times as the REST API reads a request's (command-api's resolveTiming): one
// meaning of "09:00 in Berlin", "PT90M" and "all day" whichever way an event arrives.
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'America/Santiago', 'Australia/Lord_Howe', 'UTC'];
const basic = (wall: Temporal.PlainDateTime) => wall.toString({ smallestUnit: 'second' }).replace(/[-:]/g, '');
const draftTiming = (lines: string[], defaultTimeZone: string) => {
  const text = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:t', ...lines, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
  const { drafts, skipped } = parseCalendarObjects(text, { defaultTimeZone });
  expect(skipped).toEqual([]);
  return drafts[0]?.timing;
};

describe('VEVENT times read as the REST API reads them', () => {
  const walls = fc.record({
    zone: fc.constantFrom(...ZONES),
    // Every minute of 2025–2034, DST gaps and repeated hours included.
    minute: fc.integer({ min: 0, max: 10 * 365 * 24 * 60 }),
    length: fc.integer({ min: 1, max: 4 * 24 * 60 }),
  });

  it('a wall time in a zone plus a DURATION (RFC 5545 §3.3.5, §3.3.6) = startTime + timeZone + duration', () => {
    fc.assert(fc.property(walls, ({ zone, minute, length }) => {
      const wall = Temporal.PlainDateTime.from('2025-01-01T00:00').add({ minutes: minute });
      const duration = `PT${length}M`;
      expect(draftTiming([`DTSTART;TZID=${zone}:${basic(wall)}`, `DURATION:${duration}`], 'UTC')).toEqual(
        resolveTiming({ startTime: wall.toString({ smallestUnit: 'second' }), duration, timeZone: zone }, undefined, 'UTC'),
      );
    }), { numRuns: 300 });
  });

  it('UTC times (form #2) = instants with the default zone', () => {
    fc.assert(fc.property(walls, ({ zone, minute, length }) => {
      const start = Date.UTC(2025, 0, 1) + minute * 60_000;
      const iso = (ms: number) => new Date(ms).toISOString();
      const utc = (ms: number) => `${iso(ms).slice(0, 19).replace(/[-:]/g, '')}Z`;
      expect(draftTiming([`DTSTART:${utc(start)}`, `DTEND:${utc(start + length * 60_000)}`], zone)).toEqual(
        resolveTiming({ startTime: iso(start), endTime: iso(start + length * 60_000) }, undefined, zone),
      );
    }), { numRuns: 200 });
  });

  it('all-day dates (DATE, DTEND exclusive or absent) = startDate/endDate', () => {
    fc.assert(fc.property(walls, ({ zone, minute, length }) => {
      const start = Temporal.PlainDate.from('2025-01-01').add({ days: Math.floor(minute / 1440) });
      const days = 1 + (length % 20);
      const end = start.add({ days });
      expect(draftTiming([`DTSTART;VALUE=DATE:${start.toString().replace(/-/g, '')}`, `DTEND;VALUE=DATE:${end.toString().replace(/-/g, '')}`], zone)).toEqual(
        resolveTiming({ startDate: start.toString(), endDate: end.toString() }, undefined, zone),
      );
      expect(draftTiming([`DTSTART;VALUE=DATE:${start.toString().replace(/-/g, '')}`], zone)).toEqual(resolveTiming({ startDate: start.toString() }, undefined, zone));
    }), { numRuns: 200 });
  });
});
