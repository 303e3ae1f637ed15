import { type RecordedEvent, START_OF_LOG } from '@datebook/shared-kernel';
import { eventMembership } from './eventMembership';

const HOST = '11111111-1111-4111-8111-111111111111';
const GUEST = '22222222-2222-4222-8222-222222222222';
const FAMILY = '33333333-3333-4333-8333-333333333333';

const fact = (type: string, data: Record<string, unknown>, version: number): RecordedEvent => ({
  eventID: `e${version}`, streamName: 'CalendarEvent-x', streamVersion: version, logPosition: START_OF_LOG, type, data,
  metadata: { actorID: HOST, occurredAt: '2031-01-01T00:00:00.000Z', correlationId: 'c', schemaVersion: 1 }, recordedAt: new Date(0),
});
const scheduled = (extra: Record<string, unknown> = {}) => fact('CalendarEventScheduled', { eventID: 'x', hostID: HOST, ...extra }, 1);

describe('eventMembership', () => {
  it('puts an event written before calendars on its host’s primary, with the host on it', () => {
    expect(eventMembership([scheduled(), fact('AttendeeInvited', { userID: GUEST }, 2)])).toEqual({ hostID: HOST, calendarID: HOST, people: new Set([HOST, GUEST]), guestsSeeGuests: true });
  });

  it('leaves the host off an event on another calendar: it belongs to that calendar', () => {
    const membership = eventMembership([scheduled({ calendarID: FAMILY }), fact('AttendeeInvited', { userID: GUEST }, 2)]);
    expect(membership.calendarID).toBe(FAMILY);
    expect([...membership.people]).toEqual([GUEST]);
  });

  it('follows a move, an uninvitation and the guests’ permission, and reads unparseable data as nothing', () => {
    const membership = eventMembership([
      scheduled({ guestsCanSeeOtherGuests: true }),
      fact('AttendeeInvited', { userID: GUEST }, 2),
      fact('CalendarEventMoved', { fromCalendarID: HOST, calendarID: FAMILY }, 3),
      fact('AttendeeUninvited', { userID: GUEST }, 4),
      fact('GuestPermissionsChanged', { guestsCanSeeOtherGuests: false }, 5),
      fact('AttendeeInvited', null as unknown as Record<string, unknown>, 6),
    ]);
    expect(membership).toEqual({ hostID: HOST, calendarID: FAMILY, people: new Set(), guestsSeeGuests: false });
  });

  it('knows no calendar for a stream that scheduled nothing', () => {
    expect(eventMembership([]).calendarID).toBeUndefined();
  });
});
