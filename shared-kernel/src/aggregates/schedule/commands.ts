import type { Conflict } from './conflicts';

/** Reserve the time of a booking made with rejectOnConflict, unless someone is busy then. */
export type ScheduleCommand = {
  type: 'ReserveTime';
  data: {
    userID: string;
    eventID: string;
    /** The occurrences being booked, as UTC instants. */
    intervals: { start: string; end: string }[];
    now: string;
    /** Conflicts found elsewhere (the read model): refused together with those the reservations show. */
    knownConflicts: Conflict[];
  };
};
