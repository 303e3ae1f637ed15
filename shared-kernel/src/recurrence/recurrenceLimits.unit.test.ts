import { RecurrenceError, type RecurrencePart } from './recurrenceError';
import { MAX_COUNT, MAX_INSTANCES_PER_DAY, MAX_INSTANCES_PER_PERIOD, instancesAtMost } from './recurrenceLimits';
import { parseRecurrenceLines } from './recurrenceLines';
import { parseRRule } from './rrule';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i).join(',');
const EVERY_SECOND_OF_THE_DAY = `BYHOUR=${range(0, 23)};BYMINUTE=${range(0, 59)};BYSECOND=${range(0, 59)}`;

function refusal(parse: () => unknown): RecurrenceError {
  try {
    parse();
  } catch (error) {
    if (error instanceof RecurrenceError) return error;
    throw error;
  }
  throw new Error('expected a RecurrenceError');
}

describe('recurrence limits: rules whose cost cannot be bounded are refused', () => {
  it.each([
    ['COUNT=100000000', 'FREQ=MINUTELY;COUNT=100000000', 'COUNT', /100000000 is more than the 10000/],
    ['the largest COUNT once accepted', 'FREQ=DAILY;COUNT=999999999', 'COUNT', /more than the 10000/],
    ['one more than MAX_COUNT', `FREQ=DAILY;COUNT=${MAX_COUNT + 1}`, 'COUNT', /more than the 10000/],
    ['every second of the day, DAILY', `FREQ=DAILY;${EVERY_SECOND_OF_THE_DAY}`, 'BYSECOND', /up to 86400 instances per day/],
    ['every second of the day, YEARLY', `FREQ=YEARLY;${EVERY_SECOND_OF_THE_DAY}`, 'BYSECOND', /instances per year/],
    ['every second of the day, HOURLY', `FREQ=HOURLY;${EVERY_SECOND_OF_THE_DAY}`, 'BYSECOND', /up to 3600 instances per hour/],
    ['every second of the day, MINUTELY', `FREQ=MINUTELY;${EVERY_SECOND_OF_THE_DAY}`, 'BYSECOND', /up to 86400 instances a day/],
    ['two a minute', 'FREQ=MINUTELY;BYSECOND=0,30', 'BYSECOND', /up to 2880 instances a day; at most 1440/],
    ['every minute as a DAILY rule', `FREQ=DAILY;BYHOUR=${range(0, 23)};BYMINUTE=${range(0, 59)}`, 'BYMINUTE', /up to 1440 instances per day; at most 1000/],
    ['every hour of every day as a YEARLY rule', `FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=${range(0, 3)}`, 'BYDAY', /instances per year/],
  ] as const)('refuses %s', (_label, rule, part, message) => {
    const error = refusal(() => parseRRule(rule));
    expect(error.part).toBe(part satisfies RecurrencePart);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['COUNT=MAX_COUNT', `FREQ=DAILY;COUNT=${MAX_COUNT}`],
    ['every minute', 'FREQ=MINUTELY'],
    ['every minute as an HOURLY rule', `FREQ=HOURLY;BYMINUTE=${range(0, 59)}`],
    ['two a minute every other minute', 'FREQ=MINUTELY;INTERVAL=2;BYSECOND=0,30'],
    ['every day as a YEARLY rule', 'FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU'],
    ['BYSETPOS picking two of 8784 candidates', `FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=${range(0, 23)};BYSETPOS=1,-1`],
    ['office hours every weekday', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,10,11,12,13,14,15,16'],
    ['every quarter hour', `FREQ=DAILY;BYHOUR=${range(0, 23)};BYMINUTE=0,15,30,45`],
  ])('accepts %s', (_label, rule) => {
    expect(() => parseRRule(rule)).not.toThrow();
  });

  it('bounds instances per period and per day from the list sizes alone', () => {
    expect(instancesAtMost(parseRRule('FREQ=MINUTELY', { enforceLimits: false }))).toEqual({ perPeriod: 1, perDay: 1440 });
    expect(instancesAtMost(parseRRule('FREQ=MINUTELY;INTERVAL=15', { enforceLimits: false }))).toEqual({ perPeriod: 1, perDay: 96 });
    expect(instancesAtMost(parseRRule('FREQ=HOURLY;BYHOUR=9,17;BYMINUTE=0,30', { enforceLimits: false }))).toEqual({ perPeriod: 2, perDay: 4 });
    expect(instancesAtMost(parseRRule('FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9,17', { enforceLimits: false }))).toEqual({ perPeriod: 4, perDay: 2 });
    expect(instancesAtMost(parseRRule('FREQ=MONTHLY;BYDAY=1MO,-1FR,TU', { enforceLimits: false }))).toEqual({ perPeriod: 7, perDay: 1 });
    expect(instancesAtMost(parseRRule(`FREQ=DAILY;${EVERY_SECOND_OF_THE_DAY}`, { enforceLimits: false })).perDay).toBe(86_400);
    expect(MAX_INSTANCES_PER_PERIOD).toBe(1000);
    expect(MAX_INSTANCES_PER_DAY).toBe(1440);
  });

  it('refuses UNTIL, RDATE and EXDATE outside 1900-01-01 … 2200-01-01, naming the part', () => {
    expect(refusal(() => parseRRule('FREQ=DAILY;UNTIL=22000101T000000Z')).part).toBe('UNTIL');
    expect(refusal(() => parseRRule('FREQ=DAILY;UNTIL=18991231')).part).toBe('UNTIL');
    expect(refusal(() => parseRRule('FREQ=DAILY;UNTIL=99991231T235959')).message).toMatch(/between 1900-01-01 and 2200-01-01/);
    expect(refusal(() => parseRecurrenceLines(['RRULE:FREQ=DAILY', 'RDATE:22000101T000000Z'], 'UTC')).part).toBe('RDATE');
    expect(refusal(() => parseRecurrenceLines(['RRULE:FREQ=DAILY', 'EXDATE;VALUE=DATE:18991231'], 'UTC')).part).toBe('EXDATE');
    // The last instant of the domain and its first are inside it; a wall time is read in its zone.
    expect(() => parseRRule('FREQ=DAILY;UNTIL=21991231T235959Z')).not.toThrow();
    expect(() => parseRecurrenceLines(['RDATE:19000101T000000Z'], 'UTC')).not.toThrow();
    expect(refusal(() => parseRecurrenceLines(['RDATE;TZID=America/New_York:21991231T230000'], 'UTC')).part).toBe('RDATE');
  });

  it('reads stored lines written before the limits without refusing them', () => {
    const stored = parseRecurrenceLines(['RRULE:FREQ=MINUTELY;COUNT=100000000', 'RDATE:23000101T000000Z'], 'UTC', { enforceLimits: false });
    expect(stored.rrule?.count).toBe(100_000_000);
    expect(stored.rdates).toEqual(['2300-01-01T00:00:00']);
    expect(parseRRule(`FREQ=DAILY;${EVERY_SECOND_OF_THE_DAY}`, { enforceLimits: false }).bySecond).toHaveLength(60);
  });
});
