import { occurrencesOverlapping } from '@datebook/shared-kernel';
import { DEFAULT_OCCURRENCE_CAP } from '@datebook/shared-kernel';
import type { BusyInterval } from '@datebook/shared-kernel';
import { availabilityView, freeBusy } from './freeBusy';
import { suggestTimes } from './suggestions';
import { unexpandedBusy } from '@datebook/shared-kernel';

const at = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;

/** A series with 60 one-minute occurrences every day at 09:xx UTC: 1,800 in a 30-day window, over the cap. */
const nineOClock = {
  startTime: '2030-01-01T09:00:00.000Z',
  endTime: '2030-01-01T09:01:00.000Z',
  timeZone: 'UTC',
  allDay: false,
  startDate: null,
  recurrence: ['RRULE:FREQ=MINUTELY;BYHOUR=9'],
  title: 'Every minute of nine o’clock',
  description: null,
  location: null,
  exceptions: {},
};
const window = { start: at('2030-01-01T00:00:00Z'), end: at('2030-01-31T00:00:00Z') };

/** Busy time as a free/busy read builds it: the occurrences seen, then the rest of a truncated read. */
function busyOf(series: typeof nineOClock): { busy: BusyInterval[]; completeBefore: number; truncated: boolean } {
  const read = occurrencesOverlapping(series, { from: window.start, to: window.end });
  const busy: BusyInterval[] = read.occurrences.map((o) => ({ start: at(o.startTime), end: at(o.endTime), kind: 'busy' }));
  if (read.truncated) busy.push(...unexpandedBusy({ from: read.completeBefore, kind: 'busy' }, window));
  return { busy, completeBefore: read.completeBefore, truncated: read.truncated };
}

describe('a truncated read never claims someone is free', () => {
  const { busy, completeBefore, truncated } = busyOf(nineOClock);

  it('is truncated by the cap partway through the window', () => {
    expect(truncated).toBe(true);
    // The cap keeps 1,000 occurrences: 16 whole days of 60, then 40 minutes of the 17th.
    expect(completeBefore).toBe(at('2030-01-17T09:40:00Z'));
    expect(busy.filter((i) => i.end - i.start === MINUTE)).toHaveLength(DEFAULT_OCCURRENCE_CAP);
  });

  it('marks the rest of the window busy in free/busy, where nine o’clock still recurs', () => {
    const { free } = freeBusy(busy, window);
    expect(free.every((f) => f.end <= completeBefore)).toBe(true);
    expect(free.at(-1)).toEqual({ start: at('2030-01-16T10:00:00Z'), end: at('2030-01-17T09:00:00Z') });
    // 09:00 on 20 January is an occurrence the cap never reached: busy, not free.
    const view = availabilityView(busy, { start: at('2030-01-20T08:00:00Z'), end: at('2030-01-20T11:00:00Z') }, 60);
    expect(view).toBe('222');
  });

  it('suggests nothing after the point it stopped', () => {
    const result = suggestTimes({
      users: [{ userID: 'ann', busy, timeZone: 'UTC' }],
      window,
      durationMinutes: 30,
      respectWorkingHours: false,
    });
    expect(result.suggestions.length).toBeGreaterThan(0);
    expect(result.suggestions.every((s) => s.end <= completeBefore)).toBe(true);
    const late = suggestTimes({ users: [{ userID: 'ann', busy, timeZone: 'UTC' }], window: { start: at('2030-01-20T00:00:00Z'), end: window.end }, durationMinutes: 30, respectWorkingHours: false });
    expect(late.suggestions).toEqual([]);
    expect(late.reasons).toEqual([{ code: 'NO_FREE_TIME', userID: 'ann' }]);
  });

  it('says not available for a time the cap never reached', () => {
    const tenPast = { start: at('2030-01-25T09:10:00Z'), end: at('2030-01-25T09:20:00Z') };
    expect(busy.some((i) => i.start < tenPast.end && i.end > tenPast.start)).toBe(true);
  });

  it('adds nothing when the expansion was complete', () => {
    expect(unexpandedBusy({ from: window.end, kind: 'busy' }, window)).toEqual([]);
    expect(unexpandedBusy({ from: window.start - 1, kind: 'tentative' }, window)).toEqual([{ start: window.start, end: window.end, kind: 'tentative' }]);
  });
});
