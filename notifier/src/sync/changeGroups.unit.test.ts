import { randomUUID } from 'node:crypto';
import { nextTransition } from './calendarTransitions';
import type { EventView, FeedRow } from './changeFeed';
import { changesOf, entriesOf, resolveChange } from './changeGroups';
import type { ChangesState, FollowedCalendars } from './syncState';

const [bob, ann, family, work] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const eventID = randomUUID();

const view = (over: Partial<EventView> = {}): EventView => ({
  eventID, hostID: ann, calendarID: family, title: 'Dinner', description: 'Bring cake', location: 'Grandma’s',
  startTime: '2030-06-05T18:00:00.000Z', endTime: '2030-06-05T20:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, recurrence: [],
  status: 'scheduled', myResponse: 'ACCEPTED', attendees: { [ann]: 'ACCEPTED' }, ...over,
});
let seq = 100n;
const row = (principalID: string, event: EventView | null, over: { cause?: string; version?: number; eventID?: string } = {}): FeedRow => ({
  seq: (seq += 1n), principalID,
  change: { eventID: over.eventID ?? eventID, cause: over.cause ?? 'CalendarEventDetailsChanged', version: over.version ?? 3, occurredAt: '2030-01-01T00:00:00.000Z', event },
});
const following = (entries: [string, { role: 'freeBusyReader' | 'reader' | 'writer' | 'owner'; from?: bigint }][]): FollowedCalendars => new Map(entries);

describe('one change as a reader gets it (several of their principals may hold the event)', () => {
  test('their own row first: it carries their answer', () => {
    const change = resolveChange([row(family, view()), row(bob, view({ myResponse: 'TENTATIVE' }))], bob, following([[family, { role: 'reader' }]]));
    expect(change?.event).toMatchObject({ myResponse: 'TENTATIVE', calendarID: family, accessRole: 'owner' });
  });

  test('else the calendar the event is on, else the first other calendar holding it, with the reader’s role there', () => {
    const calendars = following([[family, { role: 'writer' }], [ann, { role: 'freeBusyReader' }]]);
    expect(resolveChange([row(ann, view()), row(family, view())], bob, calendars)?.event).toMatchObject({ title: 'Dinner', accessRole: 'writer' });
    expect(resolveChange([row(ann, view({ calendarID: work })), row(bob, null)], bob, calendars)?.event).toEqual({
      eventID, calendarID: work, accessRole: 'freeBusyReader', busy: true, status: 'scheduled',
      startTime: '2030-06-05T18:00:00.000Z', endTime: '2030-06-05T20:00:00.000Z', timeZone: 'Europe/Berlin', allDay: false, recurrence: [],
    });
  });

  test('a reader sees a private event as busy time, a writer in full', () => {
    const private_ = view({ visibility: 'private' });
    expect(resolveChange([row(family, private_)], bob, following([[family, { role: 'reader' }]]))?.event).toMatchObject({ busy: true });
    expect(resolveChange([row(family, private_)], bob, following([[family, { role: 'reader' }]]))?.event).not.toHaveProperty('title');
    expect(resolveChange([row(family, private_)], bob, following([[family, { role: 'writer' }]]))?.event).toMatchObject({ title: 'Dinner', visibility: 'private' });
  });

  test('null when none of the reader’s principals holds it any more (moved off the calendar, uninvited)', () => {
    expect(resolveChange([row(family, null), row(bob, null)], bob, following([[family, { role: 'reader' }]]))).toMatchObject({ eventID, event: null });
  });

  test('nothing for someone else’s reminders, or for rows the calendar’s snapshot already covers', () => {
    expect(resolveChange([row(ann, view(), { cause: 'RemindersChanged' })], bob, following([[ann, { role: 'reader' }]]))).toBeUndefined();
    expect(resolveChange([row(bob, view(), { cause: 'RemindersChanged' })], bob, new Map())).toMatchObject({ cause: 'RemindersChanged' });
    const covered = row(family, view());
    expect(resolveChange([covered], bob, following([[family, { role: 'reader', from: covered.seq }]]))).toBeUndefined();
    const gone = row(family, null);
    expect(resolveChange([gone], bob, following([[family, { role: 'reader', from: gone.seq }]]))).toBeUndefined();
    const later = row(family, view());
    expect(resolveChange([later], bob, following([[family, { role: 'reader', from: later.seq - 1n }]]))).toMatchObject({ event: { title: 'Dinner' } });
  });

  test('rows are grouped by change; the device’s position moves past changes that are nothing to it', () => {
    const rows = [row(family, view(), { version: 3 }), row(bob, null, { version: 3 }), row(ann, view(), { cause: 'RemindersChanged', version: 4 }), row(family, view({ title: 'Supper' }), { version: 5 })];
    expect(changesOf(rows).map((g) => g.length)).toEqual([2, 1, 1]);
    const state: ChangesState = { kind: 'changes', at: 0n, calendars: following([[family, { role: 'reader', from: rows[0]?.seq }], [ann, { role: 'reader' }]]) };
    const { entries, state: after } = entriesOf(changesOf(rows), bob, state);
    expect(entries.map((e) => [e.change.version, e.token])).toEqual([[5, rows[3]?.seq.toString()]]);
    expect(after.at).toBe(rows[3]?.seq);
    // The calendar's own position is passed: it is no longer carried.
    expect(after.calendars.get(family)).toEqual({ role: 'reader' });
  });
});

describe('what a device is sent before the feed: its calendars brought in line with what the reader reads', () => {
  const at = 50n;
  const now = async () => 77n;

  test('a calendar no longer readable is taken back first, from the position its events may have changed since', async () => {
    const state: ChangesState = { kind: 'changes', at, calendars: following([[family, { role: 'reader', from: 60n }], [work, { role: 'reader' }]]) };
    const next = await nextTransition(state, new Map([[work, 'writer']]), now);
    expect(next?.transition).toEqual({ calendarID: family, mode: 'remove', role: 'reader', since: 60n });
    expect([...(next?.calendars.keys() ?? [])]).toEqual([work]);
  });

  test('then one newly readable is sent whole, followed from the position now; one read with another role is sent again', async () => {
    const added = await nextTransition({ kind: 'changes', at, calendars: new Map() }, new Map([[family, 'reader']]), now);
    expect(added?.transition).toEqual({ calendarID: family, mode: 'add', role: 'reader' });
    expect(added?.calendars.get(family)).toEqual({ role: 'reader', from: 77n });
    const changed = await nextTransition({ kind: 'changes', at, calendars: following([[family, { role: 'reader' }]]) }, new Map([[family, 'freeBusyReader']]), now);
    expect(changed?.transition).toEqual({ calendarID: family, mode: 'change', role: 'freeBusyReader', since: at });
  });

  test('a transition under way goes on, unless the calendar it sends is no longer readable with that role; nothing when in line', async () => {
    const sending: ChangesState = { kind: 'changes', at, calendars: following([[family, { role: 'reader', from: 70n }]]), transition: { calendarID: family, mode: 'add', role: 'reader', afterEventID: eventID } };
    expect(await nextTransition(sending, new Map([[family, 'reader']]), now)).toBe(sending);
    expect((await nextTransition(sending, new Map(), now))?.transition).toEqual({ calendarID: family, mode: 'remove', role: 'reader', since: 70n });
    expect(await nextTransition({ kind: 'changes', at, calendars: following([[family, { role: 'reader' }]]) }, new Map([[family, 'reader']]), now)).toBeUndefined();
  });
});
