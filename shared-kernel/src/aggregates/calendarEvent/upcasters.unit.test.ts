import { currentSchemaVersion } from '../../events/schemaVersions';
import { parseCalendarEventEvent } from './events';
import { evolve, initialState } from './state';
import { calendarEventScheduledV1ToV2, calendarEventScheduledV2ToV3 } from './upcasters';

const ids = { eventID: '7f0c4a8e-1111-4c3e-9f0a-6d2b8e4c1a57', hostID: '7f0c4a8e-2222-4c3e-9f0a-6d2b8e4c1a57' };
/** A CalendarEventScheduled as version 1 wrote it: no guestsCanSeeOtherGuests, no transparency. */
const timedV1 = { ...ids, title: 'Standup', startTime: '2030-01-02T09:00:00.000Z', endTime: '2030-01-02T09:30:00.000Z', timeZone: 'Europe/Berlin' };
const allDayV1 = { ...timedV1, allDay: true, startDate: '2030-01-02', endDate: '2030-01-03', startTime: '2030-01-02T00:00:00.000Z', endTime: '2030-01-03T00:00:00.000Z' };
const stored = (data: unknown, schemaVersion: number) => ({ type: 'CalendarEventScheduled', data, metadata: { schemaVersion } });

describe('CalendarEventScheduled v1 → v2', () => {

  it('fills in that guests see each other, and transparency from allDay (RFC 5545 §3.8.2.7: all-day blocks no time)', () => {
    expect(calendarEventScheduledV1ToV2(timedV1)).toEqual({ ...timedV1, guestsCanSeeOtherGuests: true, transparency: 'opaque' });
    expect(calendarEventScheduledV1ToV2(allDayV1)).toEqual({ ...allDayV1, guestsCanSeeOtherGuests: true, transparency: 'transparent' });
    expect(calendarEventScheduledV1ToV2({ ...allDayV1, transparency: null })).toMatchObject({ transparency: 'transparent' });
  });

  it('keeps what version 1 did write', () => {
    expect(calendarEventScheduledV1ToV2({ ...allDayV1, transparency: 'opaque', guestsCanSeeOtherGuests: false })).toMatchObject({ transparency: 'opaque', guestsCanSeeOtherGuests: false });
  });

  it('is pure: the stored payload is left as it was', () => {
    const payload = { ...timedV1 };
    calendarEventScheduledV1ToV2(payload);
    expect(payload).toEqual(timedV1);
  });

  it('reads a stored v1 event as v2', () => {
    expect(parseCalendarEventEvent(stored(allDayV1, 1))?.data).toMatchObject({ guestsCanSeeOtherGuests: true, transparency: 'transparent' });
    expect(parseCalendarEventEvent(stored({ ...timedV1, transparency: null }, 1))?.data).toMatchObject({ guestsCanSeeOtherGuests: true, transparency: 'opaque' });
  });

  it('does not default a v2 payload: one missing the fields is unreadable, not silently filled in', () => {
    expect(() => parseCalendarEventEvent(stored(timedV1, 2))).toThrow();
    expect(parseCalendarEventEvent(stored({ ...timedV1, guestsCanSeeOtherGuests: false, transparency: 'transparent' }, 2))?.data).toMatchObject({ guestsCanSeeOtherGuests: false, transparency: 'transparent' });
  });
});

describe('CalendarEventScheduled v2 → v3 (events recorded before calendars existed)', () => {
  const timedV2 = { ...timedV1, guestsCanSeeOtherGuests: true, transparency: 'opaque' };

  it('is the version writers stamp today', () => {
    expect(currentSchemaVersion('CalendarEventScheduled')).toBe(3);
  });

  it('puts the event on its host’s primary calendar (named by the host’s id), with the default visibility', () => {
    expect(calendarEventScheduledV2ToV3(timedV2)).toEqual({ ...timedV2, calendarID: ids.hostID, visibility: 'default' });
    expect(parseCalendarEventEvent(stored(timedV2, 2))?.data).toMatchObject({ calendarID: ids.hostID, visibility: 'default' });
    expect(parseCalendarEventEvent(stored(timedV1, 1))?.data).toMatchObject({ calendarID: ids.hostID, visibility: 'default', transparency: 'opaque' });
  });

  it('does not default a v3 payload', () => {
    expect(() => parseCalendarEventEvent(stored(timedV2, 3))).toThrow();
  });

  it('folds a v1 event to the state the fold gave before the defaults moved here', () => {
    const folded = (data: unknown) => {
      const event = parseCalendarEventEvent(stored(data, 1));
      if (!event) throw new Error('does not parse');
      return evolve(initialState(), event);
    };
    expect(folded(timedV1)).toEqual({
      status: 'scheduled', ...timedV1, description: null, location: null, startLocal: null, allDay: false, startDate: null, endDate: null, recurrence: [],
      transparency: 'opaque', guestsCanSeeOtherGuests: true, calendarID: ids.hostID, visibility: 'default', attendees: { [ids.hostID]: 'ACCEPTED' }, reminders: {}, exceptions: {}, occurrenceResponses: {},
    });
    expect(folded({ ...allDayV1, guestsCanSeeOtherGuests: false })).toMatchObject({ transparency: 'transparent', guestsCanSeeOtherGuests: false });
  });
});
