import { decide } from './decide';
import { parseScheduleEvent } from './events';
import { evolve, initialState } from './state';

/** What the command side needs to run Schedule commands (streams: `scheduleStreamsAt`). */
export const scheduleDecider = { decide, evolve, initialState, parse: parseScheduleEvent };
