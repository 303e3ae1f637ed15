import { randomUUID } from 'node:crypto';
import type { EventState } from '../calendarEvents/eventState';
import { feedRows, viewFor } from './changeFeed';

const [bob, cyd, family, work] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const eventID = randomUUID();

/** Bob's event on the Family calendar, Cyd invited. */
const onFamily = (over: Partial<EventState> = {}): EventState => ({
  eventID, hostID: bob, calendarID: family, visibility: 'default', title: 'Dinner', description: null, location: null,
  startTime: '2030-06-05T18:00:00.000Z', endTime: '2030-06-05T20:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null,
  recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true, attendees: { [bob]: 'ACCEPTED', [cyd]: 'PENDING' },
  reminders: {}, exceptions: {}, occurrenceResponses: {}, status: 'scheduled', sequence: 0, ...over,
});
const meta = (cause: string) => ({ eventID, cause, version: 2, occurredAt: '2030-01-01T00:00:00.000Z' });
const byPrincipal = (rows: ReturnType<typeof feedRows>) => Object.fromEntries(rows.map((r) => [r.userID, r.change.event && { myResponse: r.change.event.myResponse }]));

describe('the feed rows of one change', () => {
  test('one for the calendar the event is on (every reader of it hears through that row) and one per attendee', () => {
    const rows = feedRows(meta('CalendarEventScheduled'), undefined, onFamily(), [bob, cyd]);
    // The host of an event on another calendar holds it through that calendar only: he loses it with his access,
    // and the readers of his own calendar do not hear of it.
    expect(byPrincipal(rows)).toEqual({ [family]: { myResponse: 'ACCEPTED' }, [cyd]: { myResponse: 'PENDING' } });
    expect(rows.find((r) => r.userID === family)?.change.event).toMatchObject({ calendarID: family, title: 'Dinner', attendees: { [bob]: 'ACCEPTED', [cyd]: 'PENDING' } });
  });

  test('a move tells the calendar it left (null) and the one it joined', () => {
    const rows = feedRows(meta('CalendarEventMoved'), onFamily(), onFamily({ calendarID: work }), [bob, cyd]);
    expect(byPrincipal(rows)).toMatchObject({ [family]: null, [work]: { myResponse: 'ACCEPTED' }, [cyd]: { myResponse: 'PENDING' } });
  });

  test('a reminders change is its user’s own', () => {
    expect(feedRows(meta('RemindersChanged'), onFamily(), onFamily(), [cyd]).map((r) => r.userID)).toEqual([cyd]);
  });

  test('on a primary calendar the host is the calendar: one row for both; private events and all-day dates are in the view', () => {
    const primary = onFamily({ calendarID: bob, visibility: 'private', allDay: true, startDate: '2030-06-05', endDate: '2030-06-06' });
    expect(feedRows(meta('CalendarEventScheduled'), undefined, primary, [bob, cyd]).map((r) => r.userID).sort()).toEqual([bob, cyd].sort());
    expect(viewFor(bob, primary)).toMatchObject({ calendarID: bob, visibility: 'private', startDate: '2030-06-05', endDate: '2030-06-06', myResponse: 'ACCEPTED' });
  });

  test('without guestsCanSeeOtherGuests a calendar’s readers, like a guest, learn of the host only', () => {
    const hidden = onFamily({ guestsCanSeeOtherGuests: false });
    expect(viewFor(family, hidden)?.attendees).toEqual({ [bob]: 'ACCEPTED' });
    expect(viewFor(cyd, hidden)?.attendees).toEqual({ [bob]: 'ACCEPTED', [cyd]: 'PENDING' });
  });

  test('a state stored before calendars is on its host’s calendar', () => {
    const { calendarID: _none, ...old } = onFamily();
    expect(viewFor(bob, old as EventState)).toMatchObject({ calendarID: bob, myResponse: 'ACCEPTED' });
  });
});
