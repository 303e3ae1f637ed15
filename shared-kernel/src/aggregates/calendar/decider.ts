import { streamName } from '../../streams/streamName';
import { decide } from './decide';
import { parseCalendarStreamEvent } from './events';
import { evolve, evolveAll, initialState } from './state';

/** One stream per calendar; a primary calendar's id is its owner's userID. */
export const calendarStreamName = (calendarID: string): string => streamName('Calendar', calendarID);

/** What the command side needs to run Calendar commands: read (parse, evolve) and decide. */
export const calendarDecider = { decide, evolve, evolveAll, initialState, parse: parseCalendarStreamEvent };
