import { RecurrenceError, type RecurrencePart } from './recurrenceError';
import { parseRRule } from './rrule';

describe('parseRRule', () => {
  it('reads every rule part of RFC 5545 §3.3.10', () => {
    expect(
      parseRRule(
        'FREQ=YEARLY;INTERVAL=2;COUNT=10;BYSECOND=0,30;BYMINUTE=15;BYHOUR=9,17;BYDAY=2TU,-1FR,MO;BYMONTHDAY=1,-1;BYYEARDAY=100,-366;BYMONTH=3,1;BYSETPOS=1,-2;WKST=SU',
      ),
    ).toEqual({
      freq: 'YEARLY',
      interval: 2,
      count: 10,
      bySecond: [0, 30],
      byMinute: [15],
      byHour: [9, 17],
      byDay: [{ weekday: 'TU', ordinal: 2 }, { weekday: 'FR', ordinal: -1 }, { weekday: 'MO' }],
      byMonthDay: [-1, 1],
      byYearDay: [-366, 100],
      byWeekNo: [],
      byMonth: [1, 3],
      bySetPos: [-2, 1],
      wkst: 'SU',
    });
  });

  it('defaults INTERVAL to 1 and WKST to MO, and leaves absent parts empty', () => {
    expect(parseRRule('FREQ=DAILY')).toEqual({
      freq: 'DAILY',
      interval: 1,
      bySecond: [],
      byMinute: [],
      byHour: [],
      byDay: [],
      byMonthDay: [],
      byYearDay: [],
      byWeekNo: [],
      byMonth: [],
      bySetPos: [],
      wkst: 'MO',
    });
  });

  it('reads BYWEEKNO with YEARLY and names are case-insensitive', () => {
    const rule = parseRRule('freq=yearly;byweekno=20,-1;byday=mo');
    expect(rule.byWeekNo).toEqual([-1, 20]);
    expect(rule.byDay).toEqual([{ weekday: 'MO' }]);
  });

  it.each([
    ['19971224T000000Z', { kind: 'utc', epochMs: Date.parse('1997-12-24T00:00:00Z') }],
    ['19971224', { kind: 'date', date: '1997-12-24' }],
    ['19971224T090000', { kind: 'local', dateTime: '1997-12-24T09:00:00' }],
  ])('reads UNTIL=%s', (until, expected) => {
    expect(parseRRule(`FREQ=DAILY;UNTIL=${until}`).until).toEqual(expected);
  });

  it.each<[string, RecurrencePart]>([
    ['', 'RRULE'],
    ['INTERVAL=2', 'FREQ'],
    ['FREQ=SECONDLY', 'FREQ'],
    ['FREQ=FORTNIGHTLY', 'FREQ'],
    ['FREQ=DAILY;FREQ=WEEKLY', 'FREQ'],
    ['FREQ=DAILY;COLOR=RED', 'RRULE'],
    ['FREQ=DAILY;BYDAY', 'RRULE'],
    ['FREQ=DAILY;;COUNT=2', 'RRULE'],
    ['FREQ=DAILY;INTERVAL=0', 'INTERVAL'],
    ['FREQ=DAILY;INTERVAL=-1', 'INTERVAL'],
    ['FREQ=DAILY;INTERVAL=', 'INTERVAL'],
    ['FREQ=DAILY;COUNT=0', 'COUNT'],
    ['FREQ=DAILY;COUNT=ten', 'COUNT'],
    ['FREQ=DAILY;COUNT=3;UNTIL=19971224T000000Z', 'COUNT'],
    ['FREQ=DAILY;COUNT=3;COUNT=4', 'COUNT'],
    ['FREQ=DAILY;UNTIL=1997-12-24', 'UNTIL'],
    ['FREQ=DAILY;UNTIL=19970230', 'UNTIL'],
    ['FREQ=DAILY;UNTIL=19971224T250000Z', 'UNTIL'],
    ['FREQ=DAILY;BYSECOND=61', 'BYSECOND'],
    ['FREQ=DAILY;BYMINUTE=60', 'BYMINUTE'],
    ['FREQ=DAILY;BYMINUTE=-1', 'BYMINUTE'],
    ['FREQ=DAILY;BYHOUR=24', 'BYHOUR'],
    ['FREQ=DAILY;BYHOUR=9,,10', 'BYHOUR'],
    ['FREQ=WEEKLY;BYDAY=XX', 'BYDAY'],
    ['FREQ=MONTHLY;BYDAY=0MO', 'BYDAY'],
    ['FREQ=YEARLY;BYDAY=54MO', 'BYDAY'],
    ['FREQ=WEEKLY;BYDAY=2TU', 'BYDAY'],
    ['FREQ=YEARLY;BYWEEKNO=1;BYDAY=1MO', 'BYDAY'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'BYMONTHDAY'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY'],
    ['FREQ=YEARLY;BYYEARDAY=367', 'BYYEARDAY'],
    ['FREQ=MONTHLY;BYYEARDAY=1', 'BYYEARDAY'],
    ['FREQ=YEARLY;BYWEEKNO=54', 'BYWEEKNO'],
    ['FREQ=MONTHLY;BYWEEKNO=1', 'BYWEEKNO'],
    ['FREQ=YEARLY;BYMONTH=13', 'BYMONTH'],
    ['FREQ=YEARLY;BYMONTH=0', 'BYMONTH'],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0', 'BYSETPOS'],
    ['FREQ=MONTHLY;BYSETPOS=1', 'BYSETPOS'],
    ['FREQ=WEEKLY;WKST=XY', 'WKST'],
  ])('refuses %j with a RecurrenceError on %s', (value, part) => {
    let caught: unknown;
    try {
      parseRRule(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RecurrenceError);
    expect(caught).toMatchObject({ part, name: 'RecurrenceError' });
    expect((caught as Error).message.length).toBeGreaterThan(part.length + 2);
  });
});
