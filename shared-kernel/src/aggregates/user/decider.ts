import { streamName } from '../../streams/streamName';
import { decide } from './decide';
import { parseUserEvent } from './events';
import { evolve, initialState } from './state';

/** One stream per user, named by their id. */
export const userStreamName = (userID: string): string => streamName('User', userID);

/** What the command side needs to run User commands: read (parse, evolve) and decide. */
export const userDecider = { decide, evolve, initialState, parse: parseUserEvent };
