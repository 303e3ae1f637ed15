import { type CalendarEventCommand, calendarEventDecider, type CalendarEventState } from '@datebook/shared-kernel';

/** Test helper: the state the domain's own decider reaches from these commands (each must be accepted). */
export function stateAfter(commands: readonly CalendarEventCommand[], from: CalendarEventState = calendarEventDecider.initialState()): CalendarEventState {
  let state = from;
  for (const command of commands) {
    for (const event of calendarEventDecider.decide(command, state)) state = calendarEventDecider.evolve(state, event);
  }
  return state;
}

export const people = {
  ann: { id: '11111111-1111-4111-8111-111111111111', email: 'ann@example.com' },
  bob: { id: '22222222-2222-4222-8222-222222222222', email: 'bob@example.com' },
  cyd: { id: '33333333-3333-4333-8333-333333333333', email: 'cyd@example.com' },
};
export const accountsByEmail = new Map(Object.values(people).map((p) => [p.email, p.id]));
export const emailOf = (userID: string) => Object.values(people).find((p) => p.id === userID)?.email;
/** Ann's primary calendar. */
export const calendarID = people.ann.id;
