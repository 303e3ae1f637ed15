import type { EventState } from '../calendarEvents/eventState';
import { scheduledState } from '../calendarEvents/testEvents';
import { planReminders } from './reminderPlan';

const HOST = '00000000-0000-4000-8000-000000000001';
const ANN = '00000000-0000-4000-8000-000000000002';
const BEN = '00000000-0000-4000-8000-000000000003';
const CAT = '00000000-0000-4000-8000-000000000004';
const state: EventState = scheduledState(
  { eventID: '10000000-0000-4000-8000-000000000000', hostID: HOST, title: 'Sync', startTime: '2026-03-10T09:00:00.000Z', endTime: '2026-03-10T10:00:00.000Z' },
  { attendees: { [ANN]: 'ACCEPTED', [BEN]: 'DECLINED', [CAT]: 'PENDING' } },
);
const longBefore = new Date('2026-03-01T00:00:00Z');
const none = () => undefined;

test('without settings everyone who accepted gets the built-in default: one e-mail 10 minutes before', () => {
  const plan = planReminders(state, none, longBefore);
  expect(plan.map((r) => [r.userID, r.method, r.minutes, r.fireAt])).toEqual([
    [HOST, 'email', 10, '2026-03-10T08:50:00.000Z'],
    [ANN, 'email', 10, '2026-03-10T08:50:00.000Z'],
  ]);
  expect(plan.every((r) => r.occurrenceStart === state.startTime)).toBe(true);
});

test("a user's own defaults replace the built-in one; per-event overrides replace the defaults; duplicates collapse", () => {
  const withSettings: EventState = { ...state, reminders: { [ANN]: { useDefault: false, overrides: [{ method: 'push', minutes: 30 }, { method: 'push', minutes: 30 }, { method: 'email', minutes: 1440 }] } } };
  const plan = planReminders(withSettings, (id) => (id === HOST ? [] : undefined), longBefore);
  expect(plan.map((r) => [r.userID, r.method, r.minutes])).toEqual([
    [ANN, 'push', 30],
    [ANN, 'email', 1440],
  ]);
});

test('reminders already past when the change was made are left out; cancelled events have none', () => {
  const plan = planReminders(state, () => [{ method: 'email', minutes: 10 }, { method: 'push', minutes: 0 }], new Date('2026-03-10T08:55:00Z'));
  expect(plan.map((r) => r.minutes)).toEqual([0, 0]);
  expect(planReminders({ ...state, status: 'cancelled' }, none, longBefore)).toEqual([]);
});

test('onlyUser restricts the plan to one attendee', () => {
  expect(planReminders(state, none, longBefore, ANN).map((r) => r.userID)).toEqual([ANN]);
});

test('a weekly series gets a timer per occurrence within the planning horizon, keyed by occurrence start', () => {
  const weekly: EventState = { ...state, attendees: { [HOST]: 'ACCEPTED' }, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'], timeZone: 'Europe/Berlin' };
  const plan = planReminders(weekly, none, longBefore);
  expect(plan.map((r) => r.occurrenceStart)).toEqual(['2026-03-10T09:00:00.000Z', '2026-03-17T09:00:00.000Z', '2026-03-24T09:00:00.000Z']);
  // 2026-03-29 is the EU switch to summer time: the series keeps its 10:00 wall time, so the UTC start moves.
  const acrossDst = planReminders({ ...weekly, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] }, none, longBefore);
  expect(acrossDst.at(-1)?.occurrenceStart).toBe('2026-03-31T08:00:00.000Z');
});

describe('an invitation not answered yet sends no reminders (NEEDS-ACTION)', () => {
  test('pending invitees get none; accepting or accepting tentatively plans them; declining removes them', () => {
    const invitedOnly: EventState = { ...state, attendees: { [HOST]: 'ACCEPTED', [CAT]: 'PENDING' } };
    expect(planReminders(invitedOnly, none, longBefore).map((r) => r.userID)).toEqual([HOST]);
    expect(planReminders(invitedOnly, none, longBefore, CAT)).toEqual([]);
    expect(planReminders({ ...invitedOnly, attendees: { ...invitedOnly.attendees, [CAT]: 'ACCEPTED' } }, none, longBefore).map((r) => r.userID)).toEqual([HOST, CAT]);
    expect(planReminders({ ...invitedOnly, attendees: { ...invitedOnly.attendees, [CAT]: 'TENTATIVE' } }, none, longBefore).map((r) => r.userID)).toEqual([HOST, CAT]);
    expect(planReminders({ ...invitedOnly, attendees: { ...invitedOnly.attendees, [CAT]: 'DECLINED' } }, none, longBefore).map((r) => r.userID)).toEqual([HOST]);
  });

  test("in a series, an answer to one occurrence decides that occurrence's reminders", () => {
    const weekly: EventState = { ...state, attendees: { [CAT]: 'PENDING', [ANN]: 'ACCEPTED' }, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'], timeZone: 'Europe/Berlin' };
    const answered: EventState = {
      ...weekly,
      occurrenceResponses: { [CAT]: { '2026-03-17T09:00:00.000Z': 'ACCEPTED' }, [ANN]: { '2026-03-24T09:00:00Z': 'DECLINED' } },
    };
    const plan = planReminders(answered, none, longBefore);
    expect(plan.filter((r) => r.userID === CAT).map((r) => r.occurrenceStart)).toEqual(['2026-03-17T09:00:00.000Z']);
    expect(plan.filter((r) => r.userID === ANN).map((r) => r.occurrenceStart)).toEqual(['2026-03-10T09:00:00.000Z', '2026-03-17T09:00:00.000Z']);
  });
});
