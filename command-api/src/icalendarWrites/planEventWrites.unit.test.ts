import { type CalendarEventState, eventIDForICalUID, parseCalendarObjects, renderCalendarObject } from '@datebook/shared-kernel';
import { type EventWritesInput, planEventWrites } from './planEventWrites';
import { accountsByEmail, calendarID, emailOf, people, stateAfter } from './testStates';

const { ann, bob, cyd } = people;
const owner = { calendarID, role: 'owner' as const };
const file = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const draftOf = (text: string) => {
  const { drafts, skipped } = parseCalendarObjects(text, { defaultTimeZone: 'Europe/Berlin' });
  expect(skipped).toEqual([]);
  return drafts[0] as NonNullable<(typeof drafts)[0]>;
};
const series = (...more: string[]) => [
  'BEGIN:VEVENT', 'UID:standup@example.com', 'DTSTART;TZID=Europe/Berlin:20300318T090000', 'DTEND;TZID=Europe/Berlin:20300318T091500',
  'RRULE:FREQ=WEEKLY;COUNT=6', 'SUMMARY:Stand-up', 'X-COLOR:teal', ...more, 'END:VEVENT',
];
const eventID = eventIDForICalUID(calendarID, 'standup@example.com');

function plan(current: CalendarEventState, text: string, more: Partial<EventWritesInput> = {}) {
  return planEventWrites({ calendarID, actorID: ann.id, access: owner, current, draft: draftOf(text), mode: 'caldav', accountsByEmail, ...more });
}
/** Plans, applies the commands through the domain's decider, and checks that planning again asks nothing more. */
function applied(current: CalendarEventState, text: string, more: Partial<EventWritesInput> = {}) {
  const first = plan(current, text, more);
  const state = stateAfter(first.commands, current);
  expect(plan(state, text, more)).toEqual({ commands: [], outcome: 'unchanged' });
  return { ...first, state };
}
const absent: CalendarEventState = { status: 'absent' };

describe('planEventWrites: a new UID', () => {
  it('schedules one event under the UID’s id, with its occurrences, kept properties and reminders, in one command', () => {
    const text = file(
      ...series('EXDATE;TZID=Europe/Berlin:20300408T090000', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:x', 'END:VALARM'),
      'BEGIN:VEVENT', 'UID:standup@example.com', 'RECURRENCE-ID;TZID=Europe/Berlin:20300325T090000', 'DTSTART;TZID=Europe/Berlin:20300325T100000', 'DTEND;TZID=Europe/Berlin:20300325T101500', 'SUMMARY:Later', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:standup@example.com', 'RECURRENCE-ID;TZID=Europe/Berlin:20300401T090000', 'DTSTART;TZID=Europe/Berlin:20300401T090000', 'STATUS:CANCELLED', 'END:VEVENT',
    );
    const { commands, outcome, state } = applied(absent, text, { mode: 'import' });
    expect(outcome).toBe('created');
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({ type: 'ScheduleEvent', data: { eventID, hostID: ann.id, iCalUID: 'standup@example.com', invitedUserIDs: [], extraProperties: ['X-COLOR:teal'], reminders: { useDefault: false, overrides: [{ method: 'push', minutes: 5 }] } } });
    expect(state).toMatchObject({
      status: 'scheduled', title: 'Stand-up', startTime: '2030-03-18T08:00:00.000Z', timeZone: 'Europe/Berlin', iCalUID: 'standup@example.com',
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE;TZID=Europe/Berlin:20300408T090000'],
      exceptions: { '2030-03-25T08:00:00.000Z': { cancelled: false, title: 'Later', startTime: '2030-03-25T09:00:00.000Z' }, '2030-04-01T07:00:00.000Z': { cancelled: true } },
    });
  });

  it('imports nobody: ORGANIZER/ATTENDEE lines stay as kept lines', () => {
    const text = file(...series('ORGANIZER:mailto:boss@corp.example', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com'));
    const { commands, state } = applied(absent, text, { mode: 'import' });
    expect(commands[0]).toMatchObject({ data: { invitedUserIDs: [], extraProperties: ['X-COLOR:teal', 'ORGANIZER:mailto:boss@corp.example', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com'] } });
    expect(state).toMatchObject({ attendees: { [ann.id]: 'ACCEPTED' } });
    expect('externalAttendees' in state).toBe(false);
  });

  it('invites through CalDAV the accounts and addresses the organizer’s copy names (RFC 6638)', () => {
    const text = file(...series('ORGANIZER:mailto:ann@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.com', 'ATTENDEE:mailto:Bob@Example.com', 'ATTENDEE;ROLE=OPT-PARTICIPANT:mailto:dan@partner.example'));
    const { commands, state } = applied(absent, text);
    expect(commands[0]).toMatchObject({ data: { invitedUserIDs: [bob.id], externalAttendees: [{ email: 'dan@partner.example', optional: true }], extraProperties: ['X-COLOR:teal'] } });
    expect(state).toMatchObject({ attendees: { [ann.id]: 'ACCEPTED', [bob.id]: 'PENDING' }, externalAttendees: { 'dan@partner.example': { optional: true } } });
  });

  it('keeps the guests of someone else’s invitation stored through CalDAV as lines, inviting nobody', () => {
    const text = file(...series('ORGANIZER:mailto:boss@corp.example', 'ATTENDEE:mailto:ann@example.com', 'ATTENDEE:mailto:bob@example.com'));
    expect(plan(absent, text).commands[0]).toMatchObject({ data: { invitedUserIDs: [], extraProperties: ['X-COLOR:teal', 'ORGANIZER:mailto:boss@corp.example', 'ATTENDEE:mailto:ann@example.com', 'ATTENDEE:mailto:bob@example.com'] } });
  });

  it('creates nothing for a cancelled event', () => {
    expect(plan(absent, file(...series('STATUS:CANCELLED')))).toEqual({ commands: [], outcome: 'unchanged' });
  });
});

describe('planEventWrites: a UID already stored', () => {
  const created = () => applied(absent, file(...series('ORGANIZER:mailto:ann@example.com', 'ATTENDEE:mailto:bob@example.com'))).state;

  it('asks nothing for the same file again', () => {
    const text = file(...series('ORGANIZER:mailto:ann@example.com', 'ATTENDEE:mailto:bob@example.com'));
    expect(plan(created(), text)).toEqual({ commands: [], outcome: 'unchanged' });
  });

  it('changes only what differs', () => {
    const text = file(...series('ORGANIZER:mailto:ann@example.com', 'ATTENDEE:mailto:bob@example.com', 'LOCATION:Room 9', 'CLASS:PRIVATE').map((line) => line.replace('SUMMARY:Stand-up', 'SUMMARY:Daily').replace('T091500', 'T093000')));
    const { commands, outcome, state } = applied(created(), text);
    expect(outcome).toBe('updated');
    expect(commands).toEqual([{
      type: 'ChangeEvent',
      data: { eventID, actorID: ann.id, access: owner, changes: {
        title: 'Daily', location: 'Room 9', visibility: 'private',
        timing: { startTime: '2030-03-18T08:00:00.000Z', endTime: '2030-03-18T08:30:00.000Z', timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null, startLocal: '2030-03-18T09:00:00' },
      } },
    }]);
    expect(state).toMatchObject({ title: 'Daily', endTime: '2030-03-18T08:30:00.000Z', visibility: 'private' });
  });

  it('invites and uninvites as the organizer’s copy says', () => {
    const text = file(...series('ORGANIZER:mailto:ann@example.com', 'ATTENDEE:mailto:cyd@example.com', 'ATTENDEE:mailto:eve@example.org'));
    const { commands, state } = applied(created(), text);
    expect(commands).toEqual([{ type: 'ChangeEvent', data: { eventID, actorID: ann.id, access: owner, changes: { invitedUserIDs: [cyd.id], externalAttendees: [{ email: 'eve@example.org', optional: false }] } } }]);
    expect(Object.keys((state as { attendees: object }).attendees)).toEqual([ann.id, cyd.id]);
  });

  it('cancels an occurrence a new EXDATE names (as DELETE of an occurrence does), and changes one an override moves', () => {
    const text = file(
      ...series('ORGANIZER:mailto:ann@example.com', 'ATTENDEE:mailto:bob@example.com', 'EXDATE;TZID=Europe/Berlin:20300401T090000'),
      'BEGIN:VEVENT', 'UID:standup@example.com', 'RECURRENCE-ID;TZID=Europe/Berlin:20300325T090000', 'DTSTART;TZID=Europe/Berlin:20300325T120000', 'DTEND;TZID=Europe/Berlin:20300325T121500', 'SUMMARY:Stand-up', 'END:VEVENT',
    );
    const { commands, state } = applied(created(), text);
    expect(commands.map((c) => [c.type, 'originalStart' in c.data ? c.data.originalStart : undefined])).toEqual([['CancelOccurrence', '2030-04-01T07:00:00.000Z'], ['ChangeOccurrence', '2030-03-25T08:00:00.000Z']]);
    expect(state).toMatchObject({ recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6'], exceptions: { '2030-04-01T07:00:00.000Z': { cancelled: true }, '2030-03-25T08:00:00.000Z': { startTime: '2030-03-25T11:00:00.000Z' } } });
    // The export writes the cancelled occurrence as an EXDATE: reading it back asks nothing.
    const exported = renderCalendarObject([{ event: state as never, audience: 'full', viewerID: ann.id, emailOf }]);
    expect(exported).toContain('EXDATE;TZID=Europe/Berlin:20300401T090000');
    expect(planEventWrites({ calendarID, actorID: ann.id, access: owner, current: state, draft: draftOf(exported), mode: 'caldav', accountsByEmail })).toEqual({ commands: [], outcome: 'unchanged' });
  });

  it('drops an EXDATE line the copy no longer has, keeping the rule as stored', () => {
    const withExdate = applied(absent, file(...series('EXDATE;TZID=Europe/Berlin:20300401T090000,20300408T090000'))).state;
    const { commands } = applied(withExdate, file(...series('EXDATE;TZID=Europe/Berlin:20300408T090000')));
    expect(commands).toEqual([{ type: 'ChangeEvent', data: { eventID, actorID: ann.id, access: owner, changes: { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE;TZID=Europe/Berlin:20300408T090000'] } } }]);
  });

  it('takes a guest’s copy as their answer only (RFC 6638 §3.2.2.1), whatever else they changed', () => {
    const text = file(...series('ORGANIZER:mailto:ann@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com').map((line) => line.replace('SUMMARY:Stand-up', 'SUMMARY:Mine now')));
    const bobReads = { calendarID, role: 'none' as const };
    const { commands, state } = applied(created(), text, { actorID: bob.id, access: bobReads });
    expect(commands).toEqual([{ type: 'RespondToInvitation', data: { eventID, userID: bob.id, response: 'ACCEPT' } }]);
    expect(state).toMatchObject({ title: 'Stand-up', attendees: { [bob.id]: 'ACCEPTED' } });
  });

  it('clears the actor’s reminders when the CalDAV copy has no VALARM left; an import without VALARMs keeps them', () => {
    const withAlarm = applied(absent, file(...series('BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'DESCRIPTION:x', 'END:VALARM'))).state;
    expect(plan(withAlarm, file(...series()), { mode: 'import' }).commands).toEqual([]);
    const { commands } = applied(withAlarm, file(...series()));
    expect(commands).toEqual([{ type: 'ChangeEvent', data: { eventID, actorID: ann.id, access: owner, changes: { reminders: { useDefault: false, overrides: [] } } } }]);
  });

  it('keeps "use my defaults" when the VALARMs are the defaults, or absent', () => {
    const state = created();
    const text = file(...series('ORGANIZER:mailto:ann@example.com', 'ATTENDEE:mailto:bob@example.com', 'BEGIN:VALARM', 'ACTION:EMAIL', 'TRIGGER:-PT10M', 'END:VALARM'));
    expect(plan(state, text, { defaultReminders: [{ method: 'email', minutes: 10 }] }).commands).toEqual([]);
    // An export that leaves the defaults out reads back without VALARMs: that changes nothing either.
    expect(plan(state, file(...series('ORGANIZER:mailto:ann@example.com', 'ATTENDEE:mailto:bob@example.com')), { defaultReminders: [{ method: 'email', minutes: 10 }] }).commands).toEqual([]);
  });

  it('cancels the event for a copy with STATUS:CANCELLED, and brings it back for a copy written again after that', () => {
    const { commands, state } = applied(created(), file(...series('STATUS:CANCELLED')));
    expect(commands).toEqual([{ type: 'CancelEvent', data: { eventID, actorID: ann.id, access: owner } }]);
    expect(plan(state, file(...series('STATUS:CANCELLED'))).commands).toEqual([]);
    const again = applied(state, file(...series()));
    expect(again.commands[0]).toEqual({ type: 'RestoreEvent', data: { eventID, actorID: ann.id, access: owner } });
    expect(again.state.status).toBe('scheduled');
    expect(plan(again.state, file(...series())).commands).toEqual([]);
  });
});

describe('planEventWrites: what one write may ask', () => {
  const daily = (...more: string[]) => ['BEGIN:VEVENT', 'UID:daily@example.com', 'DTSTART:20300107T090000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=800', 'SUMMARY:Daily', ...more, 'END:VEVENT'];
  const utc = (day: number) => `${new Date(Date.UTC(2030, 0, 7 + day, 9)).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
  const moved = (days: number[]) => days.flatMap((day) => ['BEGIN:VEVENT', 'UID:daily@example.com', `RECURRENCE-ID:${utc(day)}`, `DTSTART:${utc(day).replace('T09', 'T10')}`, 'DURATION:PT1H', 'END:VEVENT']);
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it('takes a series to MAX_OVERRIDES_PER_EVENT changed and cancelled occurrences, never past it', () => {
    const { state } = applied(absent, file(...daily(), ...moved(range(1, 200))));
    // 50 more by EXDATE: 250 in all.
    const { state: full } = applied(state, file(...daily(`EXDATE:${range(300, 50).map(utc).join(',')}`), ...moved(range(1, 200))));
    expect(Object.keys((full as { exceptions: object }).exceptions)).toHaveLength(250);
    const more = file(...daily(`EXDATE:${range(300, 51).map(utc).join(',')}`), ...moved(range(1, 200)));
    expect(() => plan(full, more)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', fieldErrors: [{ path: 'RECURRENCE-ID', message: expect.stringContaining('250') }] }));
    // Writing the same again (or changing what is there) is still allowed.
    expect(plan(full, file(...daily(`EXDATE:${range(300, 50).map(utc).join(',')}`), ...moved(range(1, 200)))).commands).toEqual([]);
  });

  it('invites no more guests than the REST routes may', () => {
    const guests = (n: number) => Array.from({ length: n }, (_, i) => `ATTENDEE:mailto:guest-${i}@partner.example`);
    expect(plan(absent, file(...series('ORGANIZER:mailto:ann@example.com', ...guests(500)))).commands).toHaveLength(1);
    expect(() => plan(absent, file(...series('ORGANIZER:mailto:ann@example.com', ...guests(501))))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', fieldErrors: [{ path: 'ATTENDEE', message: expect.any(String) }] }));
  });
});
