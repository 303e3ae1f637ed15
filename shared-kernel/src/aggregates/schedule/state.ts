import type { ScheduleEvent } from './events';

type Reservation = ScheduleEvent['data'];

/** A Schedule stream (see `scheduleStreamsAt`): the reservations filed in one window. */
export interface ScheduleState {
  reservations: Reservation[];
}

export const initialState = (): ScheduleState => ({ reservations: [] });

export function evolve(state: ScheduleState, event: ScheduleEvent): ScheduleState {
  return { reservations: [...state.reservations, event.data] };
}
