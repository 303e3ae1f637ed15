import type { CalendarEventDetails } from '../aggregates/calendarEvent/state';
import type { RenderInput } from './renderInput';

/** Test helpers: people with addresses, and a scheduled event's state with everything filled in. */
export const people = {
  ann: { id: '11111111-1111-4111-8111-111111111111', email: 'ann@example.com' },
  bob: { id: '22222222-2222-4222-8222-222222222222', email: 'bob@example.com' },
  cyd: { id: '33333333-3333-4333-8333-333333333333', email: 'cyd@example.com' },
};
const addresses = new Map(Object.values(people).map((p) => [p.id, p.email]));
export const emailOf = (userID: string): string | undefined => addresses.get(userID);

export type RenderedEvent = RenderInput['event'];

export function scheduledEvent(details: Partial<CalendarEventDetails> & { status?: 'scheduled' | 'cancelled' } = {}): RenderedEvent {
  return {
    status: 'scheduled',
    eventID: '44444444-4444-4444-8444-444444444444',
    hostID: people.ann.id,
    calendarID: people.ann.id,
    visibility: 'default',
    title: 'Planning',
    description: null,
    location: null,
    startTime: '2030-06-10T07:00:00.000Z',
    endTime: '2030-06-10T08:00:00.000Z',
    startLocal: null,
    timeZone: 'Europe/Berlin',
    allDay: false,
    startDate: null,
    endDate: null,
    recurrence: [],
    transparency: 'opaque',
    guestsCanSeeOtherGuests: true,
    attendees: { [people.ann.id]: 'ACCEPTED' },
    reminders: {},
    exceptions: {},
    occurrenceResponses: {},
    ...details,
  };
}
