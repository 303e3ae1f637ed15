import { randomUUID } from 'node:crypto';
import type { CalendarEventEvent, RecordedEvent } from '@datebook/shared-kernel';
import { calendarViewChanges } from './redisViewProjector';

const [host, ann, bob] = [randomUUID(), randomUUID(), randomUUID()];
const eventID = randomUUID();

function history(...events: (CalendarEventEvent | { type: 'SomethingNewer'; data: object })[]): RecordedEvent[] {
  return events.map((e, i) => ({
    eventID: randomUUID(), streamName: `CalendarEvent-${eventID}`, streamVersion: i + 1, type: e.type, data: e.data,
    logPosition: { transactionId: 1n, position: BigInt(i) }, recordedAt: new Date(),
    metadata: { actorID: host, occurredAt: '2030-01-01T00:00:00.000Z', correlationId: 'c', schemaVersion: 1 },
  }));
}

const scheduled: CalendarEventEvent = {
  type: 'CalendarEventScheduled',
  data: {
    eventID, hostID: host, calendarID: host, visibility: 'default', title: 'Plan', description: null, location: null, startTime: '2030-01-02T10:00:00Z', endTime: '2030-01-02T11:00:00Z',
    timeZone: 'UTC', allDay: false, startDate: null, endDate: null, recurrence: [], transparency: 'opaque', guestsCanSeeOtherGuests: true,
  },
};
const summary = (h: RecordedEvent[]) => calendarViewChanges(h).map((c) => [c.userID, c.version, c.row?.rsvpStatus ?? null]).sort();

describe('calendarViewChanges', () => {
  it('keeps a declined attendee on the view and removes an uninvited one, at the stream version', () => {
    expect(summary(history(
      scheduled,
      { type: 'AttendeeInvited', data: { eventID, userID: ann, invitedBy: host } },
      { type: 'AttendeeInvited', data: { eventID, userID: bob, invitedBy: host } },
      { type: 'InvitationDeclined', data: { eventID, userID: ann } },
      { type: 'AttendeeUninvited', data: { eventID, userID: bob, uninvitedBy: host } },
    ))).toEqual([[host, 5, 'ACCEPTED'], [ann, 5, 'DECLINED'], [bob, 5, null]].sort());
  });

  it('removes everyone from a cancelled event, and writes instants as the read model does', () => {
    const invited = history(scheduled, { type: 'AttendeeInvited', data: { eventID, userID: ann, invitedBy: host } });
    expect(calendarViewChanges(invited)[0]?.row?.event.startTime).toBe('2030-01-02T10:00:00.000Z');
    expect(summary(history(scheduled, { type: 'AttendeeInvited', data: { eventID, userID: ann, invitedBy: host } }, { type: 'CalendarEventCancelled', data: { eventID, cancelledBy: host } })))
      .toEqual([[host, 3, null], [ann, 3, null]].sort());
  });

  it('skips events it cannot parse, as the read model does with its version', () => {
    expect(summary(history(scheduled, { type: 'SomethingNewer', data: {} }))).toEqual([[host, 1, 'ACCEPTED']]);
    expect(calendarViewChanges([])).toEqual([]);
  });
});
