import { streamName } from '../../streams/streamName';
import { decide } from './decide';
import { parseCalendarEventEvent } from './events';
import { evolve, initialState } from './state';

/** One stream per event (and per series: a split starts a new one). */
export const calendarEventStreamName = (eventID: string): string => streamName('CalendarEvent', eventID);

/** What the command side needs to run CalendarEvent commands: read (parse, evolve) and decide. */
export const calendarEventDecider = { decide, evolve, initialState, parse: parseCalendarEventEvent };
