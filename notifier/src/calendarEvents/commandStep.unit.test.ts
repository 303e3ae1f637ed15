import type { RecordedEvent } from '@datebook/shared-kernel';
import { addressRecipientID } from '../calendars/addressRecipientID';
import { commandMessages } from './commandMessages';
import { commandKeyOf, commandStep } from './commandStep';
import type { EventState, NotifierCalendarEvent } from './eventState';
import { foldEvents } from './eventStateStore';
import { externalRecipients } from './externalAttendees';
import { calendarEvent } from './testEvents';
import type { MessageIntent } from './whoGetsWhat';

const HOST = '00000000-0000-4000-8000-000000000001';
const ANN = '00000000-0000-4000-8000-000000000002';
const BEN = '00000000-0000-4000-8000-000000000003';
const EVENT = '10000000-0000-4000-8000-000000000000';

const scheduled = calendarEvent('CalendarEventScheduled', { eventID: EVENT, hostID: HOST, title: 'Stand-up', startTime: '2030-03-18T08:00:00Z', endTime: '2030-03-18T08:15:00Z', timeZone: 'Europe/Berlin', recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10'] });
const invite = (userID: string) => calendarEvent('AttendeeInvited', { eventID: EVENT, userID, invitedBy: HOST });
const move = calendarEvent('CalendarEventRescheduled', { eventID: EVENT, startTime: '2030-03-18T09:00:00Z', endTime: '2030-03-18T09:15:00Z', timeZone: 'Europe/Berlin' });
const rename = calendarEvent('CalendarEventDetailsChanged', { eventID: EVENT, title: 'Daily', description: null, location: null });

interface Command {
  actor: string;
  events: NotifierCalendarEvent[];
}

/** Folds commands event by event as the reactor does; returns every step's messages and state. */
function run(commands: Command[]) {
  let state: EventState | undefined;
  let position = 0;
  const steps: { position: number; messages: MessageIntent[]; sequence: number | undefined }[] = [];
  commands.forEach((command, index) => {
    command.events.forEach((event, i) => {
      const step = commandStep(state, { event, position, command: `c${index}`, actorID: command.actor, endsCommand: i === command.events.length - 1 });
      state = step.after;
      steps.push({ position, messages: step.messages, sequence: state?.sequence });
      position += 1;
    });
  });
  return { state, steps };
}

describe('one command, one message per recipient, one SEQUENCE', () => {
  test('a booking with invitations sends one invitation per guest, at SEQUENCE 0 (RFC 5545 §3.8.7.4)', () => {
    const { steps } = run([{ actor: HOST, events: [scheduled, invite(ANN), invite(BEN)] }]);
    expect(steps.map((s) => s.messages.length)).toEqual([0, 0, 2]);
    expect(steps.at(-1)?.messages).toEqual([
      { recipient: ANN, kind: 'invitation', method: 'REQUEST' },
      { recipient: BEN, kind: 'invitation', method: 'REQUEST' },
    ]);
    expect(steps.at(-1)?.sequence).toBe(0);
  });

  test('a PUT that moves and renames sends each guest one update, on its last event, with one new SEQUENCE', () => {
    const { steps } = run([
      { actor: HOST, events: [scheduled, invite(ANN), invite(BEN)] },
      { actor: HOST, events: [move, rename] },
    ]);
    const [moved, renamed] = steps.slice(3);
    expect(moved?.messages).toEqual([]);
    expect(moved?.sequence).toBe(0);
    expect(renamed?.messages).toEqual([
      { recipient: ANN, kind: 'update', method: 'REQUEST' },
      { recipient: BEN, kind: 'update', method: 'REQUEST' },
    ]);
    expect(renamed?.sequence).toBe(4);
  });

  test('a split ("this and following") announces its SEQUENCE in the REQUEST, and a later answer keeps it', () => {
    const recurrence = calendarEvent('RecurrenceChanged', { eventID: EVENT, recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20300331T075959Z'] });
    const split = calendarEvent('SeriesSplit', { eventID: EVENT, originalStart: '2030-04-01T07:00:00.000Z', newEventID: '20000000-0000-4000-8000-000000000000' });
    const accept = calendarEvent('InvitationAccepted', { eventID: EVENT, userID: ANN });
    const { steps } = run([
      { actor: HOST, events: [scheduled, invite(ANN)] },
      { actor: HOST, events: [recurrence, split] },
      { actor: ANN, events: [accept] },
    ]);
    const announced = steps[3];
    expect(announced?.messages).toEqual([{ recipient: ANN, kind: 'update', method: 'REQUEST' }]);
    const reply = steps[4];
    expect(reply?.messages).toEqual([{ recipient: HOST, kind: 'reply', method: 'REPLY', from: ANN }]);
    // The REPLY echoes the SEQUENCE of the last REQUEST Ann received, not a number she never saw.
    expect(reply?.sequence).toBe(announced?.sequence);
    expect(steps.filter((s) => s.sequence !== steps[0]?.sequence).every((s) => s.position >= 3)).toBe(true);
  });

  test("the new series of a split: one invitation per guest, no REPLY for the answers the organizer's command carried over", () => {
    const accepted = calendarEvent('InvitationAccepted', { eventID: EVENT, userID: ANN });
    const exception = calendarEvent('OccurrenceChanged', { eventID: EVENT, originalStart: '2030-03-25T08:00:00.000Z', startTime: '2030-03-25T10:00:00Z', endTime: '2030-03-25T10:15:00Z', title: 'Stand-up', description: null, location: null });
    const { steps, state } = run([{ actor: HOST, events: [scheduled, invite(ANN), invite(BEN), accepted, exception] }]);
    expect(steps.at(-1)?.messages).toEqual([
      { recipient: ANN, kind: 'invitation', method: 'REQUEST' },
      { recipient: BEN, kind: 'invitation', method: 'REQUEST' },
    ]);
    expect(state?.sequence).toBe(0);
  });

  test('removing a guest while moving the event: the removed guest gets the CANCEL only, the others one update', () => {
    const remove = calendarEvent('AttendeeUninvited', { eventID: EVENT, userID: BEN, uninvitedBy: HOST });
    const { steps } = run([
      { actor: HOST, events: [scheduled, invite(ANN), invite(BEN)] },
      { actor: HOST, events: [move, remove] },
    ]);
    expect(steps.at(-1)?.messages).toEqual([
      { recipient: ANN, kind: 'update', method: 'REQUEST' },
      { recipient: BEN, kind: 'cancellation', method: 'CANCEL' },
    ]);
  });

  test('folding the stored stream gives the state the reactor kept, also in the middle of a command', () => {
    const commands: Command[] = [
      { actor: HOST, events: [scheduled, invite(ANN), invite(BEN)] },
      { actor: HOST, events: [move, rename] },
    ];
    const recorded: RecordedEvent[] = commands.flatMap((command, c) =>
      command.events.map((event) => ({
        eventID: 'x', streamName: `CalendarEvent-${EVENT}`, streamVersion: 0, logPosition: { transactionId: 1n, position: 1n }, type: event.type, data: event.data,
        metadata: { actorID: command.actor, occurredAt: `2030-01-0${c + 1}T00:00:00.000Z`, correlationId: `c${c}`, schemaVersion: 1 }, recordedAt: new Date(),
      })),
    );
    recorded.forEach((event, index) => {
      event.streamVersion = index + 1;
    });
    const { steps, state } = run(commands);
    expect(foldEvents(recorded, 1, 5, () => undefined)).toEqual(state);
    // After the move, before the rename: the command is open, its update held back.
    const middle = foldEvents(recorded, 1, 4, () => undefined);
    expect(middle?.openCommand).toMatchObject({ key: commandKeyOf(recorded[3]?.metadata ?? { correlationId: '', occurredAt: '' }), messages: [{ recipient: ANN, kind: 'update' }, { recipient: BEN, kind: 'update' }] });
    expect(middle?.sequence).toBe(steps[3]?.sequence);
    expect(commandStep(middle, { event: rename, position: 4, command: commandKeyOf(recorded[4]?.metadata ?? { correlationId: '', occurredAt: '' }), actorID: HOST, endsCommand: true }).messages).toHaveLength(2);
  });
});

describe('commandMessages', () => {
  const at = (day: string) => `2030-03-${day}T08:00:00.000Z`;
  test('occurrence messages: one occurrence stays one; cancelled outweighs changed; several become the series; the whole event wins', () => {
    const changed = (occurrence: string): MessageIntent => ({ recipient: ANN, kind: 'update', method: 'REQUEST', occurrence });
    const cancelled = (occurrence: string): MessageIntent => ({ recipient: ANN, kind: 'cancellation', method: 'CANCEL', occurrence });
    expect(commandMessages([changed(at('25'))], HOST)).toEqual([changed(at('25'))]);
    expect(commandMessages([changed(at('25')), cancelled(at('25'))], HOST)).toEqual([cancelled(at('25'))]);
    expect(commandMessages([changed(at('25')), cancelled(at('26'))], HOST)).toEqual([{ recipient: ANN, kind: 'update', method: 'REQUEST' }]);
    expect(commandMessages([{ recipient: ANN, kind: 'invitation', method: 'REQUEST' }, changed(at('25'))], HOST)).toEqual([{ recipient: ANN, kind: 'invitation', method: 'REQUEST' }]);
  });

  test('a REPLY goes only with the answering attendee\'s own command', () => {
    const reply: MessageIntent = { recipient: HOST, kind: 'reply', method: 'REPLY', from: ANN };
    expect(commandMessages([reply], ANN)).toEqual([reply]);
    expect(commandMessages([reply], HOST)).toEqual([]);
  });
});

describe('guests invited by address', () => {
  const dan = 'dan@example.com';
  const eve = 'eve@example.com';
  const inviteByAddress = (email: string) => calendarEvent('ExternalAttendeeInvited', { eventID: EVENT, email, optional: false, invitedBy: HOST });
  const uninviteByAddress = (email: string) => calendarEvent('ExternalAttendeeUninvited', { eventID: EVENT, email, uninvitedBy: HOST });

  test('one removed and another invited by one command: both are told, the removed one at the address no state holds any more', () => {
    const { state, steps } = run([
      { actor: HOST, events: [scheduled, inviteByAddress(dan)] },
      { actor: HOST, events: [uninviteByAddress(dan), inviteByAddress(eve)] },
    ]);
    const messages = steps.at(-1)?.messages ?? [];
    expect(messages).toEqual([
      { recipient: addressRecipientID(dan), toAddress: dan, kind: 'cancellation', method: 'CANCEL' },
      { recipient: addressRecipientID(eve), toAddress: eve, kind: 'invitation', method: 'REQUEST' },
    ]);
    if (!state) throw new Error('the event does not fold');
    // What the reactor renders them from: the state before the command's last event no longer lists Dan.
    const before = run([{ actor: HOST, events: [scheduled, inviteByAddress(dan)] }, { actor: HOST, events: [uninviteByAddress(dan)] }]).state;
    const recipients = externalRecipients(messages, before, state);
    expect(recipients.get(addressRecipientID(dan))).toMatchObject({ email: dan, external: true });
    expect([...recipients.keys()].sort()).toEqual([addressRecipientID(dan), addressRecipientID(eve)].sort());
  });
});
