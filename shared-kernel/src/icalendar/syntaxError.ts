/**
 * iCalendar text that cannot be read at all (RFC 5545 §3.1 content lines, §3.4/§3.6 component
 * structure) or that passes a limit of ICalendarLimits: the whole input is refused, naming the line.
 */
export class ICalendarSyntaxError extends Error {
  constructor(
    /** 1-based physical line where the offending content line starts. */
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ICalendarSyntaxError';
  }
}
