import { addressRecipientID } from '../calendars/addressRecipientID';
import { type EventState, evolveEvent, type NotifierCalendarEvent } from './eventState';
import { calendarEvent } from './testEvents';
import { whoGetsWhat } from './whoGetsWhat';

const HOST = '00000000-0000-4000-8000-000000000001';
const ANN = '00000000-0000-4000-8000-000000000002';
const BEN = '00000000-0000-4000-8000-000000000003';
const EVENT = '10000000-0000-4000-8000-000000000000';

const scheduled = calendarEvent('CalendarEventScheduled', { eventID: EVENT, hostID: HOST, title: 'Sync', startTime: '2026-03-10T09:00:00Z', endTime: '2026-03-10T10:00:00Z', timeZone: 'UTC' });

/** Folds the given events, then returns what the last one decides. */
function decideAfter(events: NotifierCalendarEvent[]) {
  let state: EventState | undefined;
  let before: EventState | undefined;
  events.forEach((event) => {
    before = state;
    state = evolveEvent(state, event);
  });
  const last = events.at(-1);
  if (!last) throw new Error('no events');
  return whoGetsWhat(before, state, last);
}

const invite = (userID: string): NotifierCalendarEvent => ({ type: 'AttendeeInvited', data: { eventID: EVENT, userID, invitedBy: HOST } });

describe('who gets what', () => {
  test('booking alone sends nothing; the host sees it on their devices', () => {
    expect(decideAfter([scheduled])).toEqual({ messages: [], syncAudience: [HOST], revises: false });
  });

  test('an invitation goes to the invitee only, as a REQUEST', () => {
    const decision = decideAfter([scheduled, invite(ANN), invite(BEN)]);
    expect(decision.messages).toEqual([{ recipient: BEN, kind: 'invitation', method: 'REQUEST' }]);
    expect(decision.syncAudience.sort()).toEqual([HOST, ANN, BEN].sort());
  });

  test('an answer goes to the host as a REPLY; the same answer twice sends nothing', () => {
    const accept: NotifierCalendarEvent = { type: 'InvitationAccepted', data: { eventID: EVENT, userID: ANN } };
    expect(decideAfter([scheduled, invite(ANN), accept]).messages).toEqual([{ recipient: HOST, kind: 'reply', method: 'REPLY', from: ANN }]);
    expect(decideAfter([scheduled, invite(ANN), accept, accept]).messages).toEqual([]);
  });

  test('a move updates every guest, declined ones included, but not the host', () => {
    const decline: NotifierCalendarEvent = { type: 'InvitationDeclined', data: { eventID: EVENT, userID: BEN } };
    const move = calendarEvent('CalendarEventRescheduled', { eventID: EVENT, startTime: '2026-03-11T09:00:00Z', endTime: '2026-03-11T10:00:00Z', timeZone: 'UTC' });
    const decision = decideAfter([scheduled, invite(ANN), invite(BEN), decline, move]);
    expect(decision.messages.map((m) => [m.recipient, m.kind, m.method])).toEqual([
      [ANN, 'update', 'REQUEST'],
      [BEN, 'update', 'REQUEST'],
    ]);
  });

  test('a details change that changes nothing sends nothing', () => {
    const same: NotifierCalendarEvent = { type: 'CalendarEventDetailsChanged', data: { eventID: EVENT, title: 'Sync', description: null, location: null } };
    expect(decideAfter([scheduled, invite(ANN), same]).messages).toEqual([]);
  });

  test('removing a guest sends them a CANCEL; cancelling sends every guest a CANCEL, and nothing after that', () => {
    const remove: NotifierCalendarEvent = { type: 'AttendeeUninvited', data: { eventID: EVENT, userID: ANN, uninvitedBy: HOST } };
    const removal = decideAfter([scheduled, invite(ANN), remove]);
    expect(removal.messages).toEqual([{ recipient: ANN, kind: 'cancellation', method: 'CANCEL' }]);
    expect(removal.syncAudience).toContain(ANN);
    const cancel: NotifierCalendarEvent = { type: 'CalendarEventCancelled', data: { eventID: EVENT, cancelledBy: HOST } };
    expect(decideAfter([scheduled, invite(ANN), invite(BEN), cancel]).messages.map((m) => m.recipient)).toEqual([ANN, BEN]);
    expect(decideAfter([scheduled, invite(ANN), cancel, { type: 'CalendarEventDetailsChanged', data: { eventID: EVENT, title: 'x', description: null, location: null } }]).messages).toEqual([]);
  });

  test('an event brought back after its cancellation invites every guest again, with a new SEQUENCE', () => {
    const cancel: NotifierCalendarEvent = { type: 'CalendarEventCancelled', data: { eventID: EVENT, cancelledBy: HOST } };
    const restore: NotifierCalendarEvent = { type: 'CalendarEventRestored', data: { eventID: EVENT, restoredBy: HOST } };
    const decision = decideAfter([scheduled, invite(ANN), invite(BEN), cancel, restore]);
    expect(decision.messages).toEqual([{ recipient: ANN, kind: 'invitation', method: 'REQUEST' }, { recipient: BEN, kind: 'invitation', method: 'REQUEST' }]);
    expect(decision.revises).toBe(true);
  });

  test('reminder settings reach only their owner, by sync', () => {
    const reminders: NotifierCalendarEvent = { type: 'RemindersChanged', data: { eventID: EVENT, userID: ANN, useDefault: false, overrides: [] } };
    expect(decideAfter([scheduled, invite(ANN), reminders])).toEqual({ messages: [], syncAudience: [ANN], revises: false });
  });

  test('time, details, recurrence, occurrences and status revise the event; guests and answers do not (RFC 5546 §2.1.4)', () => {
    const accept: NotifierCalendarEvent = { type: 'InvitationAccepted', data: { eventID: EVENT, userID: ANN } };
    expect(decideAfter([scheduled, invite(ANN)]).revises).toBe(false);
    expect(decideAfter([scheduled, invite(ANN), accept]).revises).toBe(false);
    expect(decideAfter([scheduled, invite(ANN), { type: 'CalendarEventDetailsChanged', data: { eventID: EVENT, title: 'New', description: null, location: null } }]).revises).toBe(true);
    expect(decideAfter([scheduled, invite(ANN), { type: 'CalendarEventDetailsChanged', data: { eventID: EVENT, title: 'Sync', description: null, location: null } }]).revises).toBe(false);
    expect(decideAfter([scheduled, invite(ANN), { type: 'CalendarEventCancelled', data: { eventID: EVENT, cancelledBy: HOST } }]).revises).toBe(true);
  });

  test('a changed occurrence is a REQUEST for it, a cancelled one a CANCEL for it (RFC 5546 §3.2.2.3, §3.2.5); a split alone sends nothing', () => {
    const weekly = calendarEvent('CalendarEventScheduled', { eventID: EVENT, hostID: HOST, title: 'Sync', startTime: '2026-03-10T09:00:00Z', endTime: '2026-03-10T10:00:00Z', timeZone: 'UTC', recurrence: ['RRULE:FREQ=WEEKLY'] });
    const originalStart = '2026-03-17T09:00:00.000Z';
    const moved = calendarEvent('OccurrenceChanged', { eventID: EVENT, originalStart, startTime: '2026-03-17T11:00:00Z', endTime: '2026-03-17T12:00:00Z', title: 'Sync', description: null, location: null });
    const dropped = calendarEvent('OccurrenceCancelled', { eventID: EVENT, originalStart });
    expect(decideAfter([weekly, invite(ANN), moved])).toMatchObject({ messages: [{ recipient: ANN, kind: 'update', method: 'REQUEST', occurrence: originalStart }], revises: true });
    expect(decideAfter([weekly, invite(ANN), dropped])).toMatchObject({ messages: [{ recipient: ANN, kind: 'cancellation', method: 'CANCEL', occurrence: originalStart }], revises: true });
    expect(decideAfter([weekly, invite(ANN), dropped, dropped])).toMatchObject({ messages: [], revises: false });
    const split = calendarEvent('SeriesSplit', { eventID: EVENT, originalStart, newEventID: '20000000-0000-4000-8000-000000000000' });
    expect(decideAfter([weekly, invite(ANN), split])).toMatchObject({ messages: [], revises: false });
  });

  test('an answer for one occurrence goes to the host as a REPLY about that occurrence, once', () => {
    const weekly = calendarEvent('CalendarEventScheduled', { eventID: EVENT, hostID: HOST, title: 'Sync', startTime: '2026-03-10T09:00:00Z', endTime: '2026-03-10T10:00:00Z', timeZone: 'UTC', recurrence: ['RRULE:FREQ=WEEKLY'] });
    const once = calendarEvent('OccurrenceResponded', { eventID: EVENT, userID: ANN, originalStart: '2026-03-17T09:00:00.000Z', rsvpStatus: 'DECLINED' });
    expect(decideAfter([weekly, invite(ANN), once]).messages).toEqual([{ recipient: HOST, kind: 'reply', method: 'REPLY', from: ANN, occurrence: '2026-03-17T09:00:00.000Z' }]);
    expect(decideAfter([weekly, invite(ANN), once, once]).messages).toEqual([]);
  });
});

describe('guests invited by address', () => {
  const DAN = 'dan@example.com';
  const DAN_ID = addressRecipientID(DAN);
  const inviteDan = calendarEvent('ExternalAttendeeInvited', { eventID: EVENT, email: DAN, optional: true, invitedBy: HOST });
  const uninviteDan = calendarEvent('ExternalAttendeeUninvited', { eventID: EVENT, email: DAN, uninvitedBy: HOST });

  test('are sent a REQUEST when invited, once, and a CANCEL when removed, once; they have no devices to sync', () => {
    expect(decideAfter([scheduled, inviteDan])).toEqual({ messages: [{ recipient: DAN_ID, toAddress: DAN, kind: 'invitation', method: 'REQUEST' }], syncAudience: [HOST], revises: false });
    expect(decideAfter([scheduled, inviteDan, inviteDan]).messages).toEqual([]);
    expect(decideAfter([scheduled, inviteDan, uninviteDan]).messages).toEqual([{ recipient: DAN_ID, toAddress: DAN, kind: 'cancellation', method: 'CANCEL' }]);
    expect(decideAfter([scheduled, inviteDan, uninviteDan, uninviteDan]).messages).toEqual([]);
  });

  test('hear of every change and of the cancellation, as the guests with accounts do', () => {
    const move = calendarEvent('CalendarEventRescheduled', { eventID: EVENT, startTime: '2026-03-11T09:00:00Z', endTime: '2026-03-11T10:00:00Z', timeZone: 'UTC' });
    expect(decideAfter([scheduled, invite(ANN), inviteDan, move]).messages.map((m) => [m.recipient, m.method])).toEqual([[ANN, 'REQUEST'], [DAN_ID, 'REQUEST']]);
    const cancel: NotifierCalendarEvent = { type: 'CalendarEventCancelled', data: { eventID: EVENT, cancelledBy: HOST } };
    expect(decideAfter([scheduled, inviteDan, cancel]).messages).toEqual([{ recipient: DAN_ID, toAddress: DAN, kind: 'cancellation', method: 'CANCEL' }]);
    expect(decideAfter([scheduled, inviteDan, uninviteDan, cancel]).messages).toEqual([]);
  });
});
