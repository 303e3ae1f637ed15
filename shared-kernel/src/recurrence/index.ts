// RFC 5545 recurrence: parse RRULE and a client's recurrence lines, expand a series in its zone.
export { DEFAULT_OCCURRENCE_CAP, expandSeries, seriesEnd } from './expand';
export type { Expansion, ExpansionWindow, Occurrence, RecurrenceSeries } from './expand';
export { RecurrenceError } from './recurrenceError';
export type { RecurrencePart } from './recurrenceError';
export { parseRecurrenceLines } from './recurrenceLines';
export type { LocalOrInstant, RecurrenceLines } from './recurrenceLines';
export { WEEKDAYS, parseRRule } from './rrule';
export type { Frequency, RRule, Until, Weekday, WeekdayNum } from './rrule';
