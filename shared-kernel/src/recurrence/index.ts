// RFC 5545 recurrence: parse RRULE and a client's recurrence lines, expand a series in its zone.
export { DEFAULT_OCCURRENCE_CAP, expandSeries, expandSeriesBounded } from './expand';
export type { BoundedExpansion, Expansion, ExpansionOptions, ExpansionWindow, Occurrence } from './expand';
export { DEFAULT_EXPANSION_BUDGET, ExpansionBudget } from './expansionBudget';
export { RecurrenceError } from './recurrenceError';
export type { RecurrencePart } from './recurrenceError';
export { MAX_COUNT, MAX_INSTANCES_PER_DAY, MAX_INSTANCES_PER_PERIOD } from './recurrenceLimits';
export type { RecurrenceParseOptions } from './recurrenceLimits';
export { parseRecurrenceLines } from './recurrenceLines';
export type { LocalOrInstant, RecurrenceLines } from './recurrenceLines';
export { WEEKDAYS, parseRRule } from './rrule';
export type { Frequency, RRule, Until, Weekday, WeekdayNum } from './rrule';
export { requireBoundedExpansion, seriesEnd, seriesExtent } from './seriesEnd';
export type { SeriesExtent } from './seriesEnd';
export type { RecurrenceSeries } from './seriesPlan';
export { instantOfWallTime, NOMINAL_START_FORMAT, nominalStartOf, wallTimeOf } from './nominalStart';
