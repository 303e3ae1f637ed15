import { ExpansionBudget } from '../recurrence/expansionBudget';
import { RecurrenceError } from '../recurrence/recurrenceError';
import { isOccurrenceOf, lastOccurrenceEnd, occurrenceSpan, occurrencesAmong, occurrencesOverlapping, seriesOf } from './occurrences';

const at = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;

function event(recurrence: string[], startTime = '2030-01-01T09:00:00.000Z', minutes = 30) {
  return {
    startTime,
    endTime: new Date(at(startTime) + minutes * MINUTE).toISOString(),
    timeZone: 'UTC',
    allDay: false,
    startDate: null,
    recurrence,
    title: 'Series',
    description: null,
    location: null,
    exceptions: {},
  };
}

describe('a series’ span and end are bounded and computed once', () => {
  it('ends a COUNT series at its last occurrence’s end', () => {
    const series = event(['RRULE:FREQ=DAILY;COUNT=10000']);
    const lastEnd = at('2030-01-01T09:30:00.000Z') + 9999 * 86_400_000;
    expect(lastOccurrenceEnd(series)).toBe(lastEnd);
    expect(occurrenceSpan(series)).toEqual({ start: at('2030-01-01T09:00:00.000Z'), end: lastEnd });
  });

  it('is endless for a rule without COUNT or UNTIL', () => {
    expect(occurrenceSpan(event(['RRULE:FREQ=MINUTELY'])).end).toBe(Infinity);
  });

  it('keeps a stored COUNT=100000000 series readable: its end, beyond the budget, counts as endless', () => {
    const legacy = event(['RRULE:FREQ=MINUTELY;BYHOUR=9;COUNT=100000000']);
    expect(() => seriesOf(legacy)).toThrow(RecurrenceError);
    const started = performance.now();
    expect(occurrenceSpan(legacy).end).toBe(Infinity);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('does not walk a series for a window after its end once the end is known', () => {
    const series = event(['RRULE:FREQ=HOURLY;BYHOUR=9,10;COUNT=5000']);
    lastOccurrenceEnd(series);
    const budget = new ExpansionBudget();
    const read = occurrencesOverlapping(series, { from: at('2150-01-01T00:00:00Z'), to: at('2150-01-08T00:00:00Z') }, 1000, budget);
    expect(read).toEqual({ occurrences: [], truncated: false, completeBefore: at('2150-01-08T00:00:00Z') });
    expect(budget.spent).toBe(0);
  });
});

describe('occurrencesOverlapping says how far its answer is complete', () => {
  it('is complete to the window’s end when nothing was cut', () => {
    const read = occurrencesOverlapping(event(['RRULE:FREQ=DAILY']), { from: at('2030-02-01T00:00:00Z'), to: at('2030-02-08T00:00:00Z') });
    expect(read.occurrences).toHaveLength(7);
    expect(read.truncated).toBe(false);
    expect(read.completeBefore).toBe(at('2030-02-08T00:00:00Z'));
  });

  it('is complete up to the first occurrence the cap left out', () => {
    const read = occurrencesOverlapping(event(['RRULE:FREQ=MINUTELY'], '2030-01-01T00:00:00.000Z', 1), { from: at('2030-01-02T00:00:00Z'), to: at('2030-01-03T00:00:00Z') });
    expect(read.occurrences).toHaveLength(1000);
    expect(read.truncated).toBe(true);
    expect(read.completeBefore).toBe(at('2030-01-02T00:00:00Z') + 1000 * MINUTE);
  });

  it('is complete up to where the budget stopped a stored series, from the window’s start when it never got there', () => {
    const legacy = event(['RRULE:FREQ=MINUTELY;BYHOUR=9;COUNT=100000000'], '2024-01-01T09:00:00.000Z');
    const window = { from: at('2150-01-01T00:00:00Z'), to: at('2150-01-02T00:00:00Z') };
    const read = occurrencesOverlapping(legacy, window);
    expect(read.truncated).toBe(true);
    expect(read.occurrences).toEqual([]);
    expect(read.completeBefore).toBe(window.from);
  });
});

describe('occurrencesAmong', () => {
  it('answers as isOccurrenceOf does for each start, with one expansion of their span', () => {
    const daily = { startTime: '2030-01-07T08:00:00.000Z', endTime: '2030-01-07T09:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null, recurrence: ['RRULE:FREQ=DAILY;COUNT=1000', 'EXDATE:20300110T080000Z'], exceptions: {} };
    const starts = ['2030-01-08T08:00:00.000Z', '2030-01-10T08:00:00.000Z', '2030-01-08T09:00:00.000Z', '2032-06-01T07:00:00.000Z', '2035-01-01T08:00:00.000Z', 'not a date'];
    expect([...occurrencesAmong(daily, starts)].sort()).toEqual(starts.filter((s) => isOccurrenceOf(daily, s)).sort());
    expect(occurrencesAmong(daily, starts).has('2030-01-08T08:00:00.000Z')).toBe(true);
    const allDay = { ...daily, allDay: true, startDate: '2030-01-07', endDate: '2030-01-08', startTime: '2030-01-07T00:00:00.000Z', endTime: '2030-01-08T00:00:00.000Z', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'] };
    expect([...occurrencesAmong(allDay, ['2030-01-14', '2030-01-15', '2030-03-11', '2030-03-18'])]).toEqual(['2030-01-14', '2030-03-11']);
  });
});
