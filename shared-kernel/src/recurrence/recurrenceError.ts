/** The rule part, content line or series field a recurrence error is about. */
export type RecurrencePart =
  | 'FREQ'
  | 'INTERVAL'
  | 'COUNT'
  | 'UNTIL'
  | 'BYSECOND'
  | 'BYMINUTE'
  | 'BYHOUR'
  | 'BYDAY'
  | 'BYMONTHDAY'
  | 'BYYEARDAY'
  | 'BYWEEKNO'
  | 'BYMONTH'
  | 'BYSETPOS'
  | 'WKST'
  | 'RRULE'
  | 'RDATE'
  | 'EXDATE'
  | 'DTSTART'
  | 'TZID';

/** Invalid recurrence input; `part` names what to fix. */
export class RecurrenceError extends Error {
  constructor(
    readonly part: RecurrencePart,
    message: string,
  ) {
    super(`${part}: ${message}`);
    this.name = 'RecurrenceError';
  }
}
