import { calendarStreamName } from '../aggregates/calendar/decider';
import { userStreamName } from '../aggregates/user/decider';
import type { AccessStamps } from '../ports/accessStamps/accessStamps';
import { inMemoryAccessStamps } from '../ports/accessStamps/inMemoryAccessStamps';
import { stampingEventStore } from '../ports/accessStamps/stampingEventStore';
import type { EventStore } from '../ports/eventStore/eventStore';
import { newEvent } from '../ports/eventStore/eventStore.contract';
import { inMemoryEventStore } from '../ports/eventStore/inMemoryEventStore';
import { countingReads } from '../testing/countingReads';
import { rolesOf } from './calendarReads';
import { stampedRoles } from './stampedRoles';

const ann = '11111111-1111-4111-8111-111111111111';
const bob = '22222222-2222-4222-8222-222222222222';
const family = '44444444-4444-4444-8444-444444444444';
const registered = (userID: string, name: string) =>
  newEvent('UserRegistered', { userID, userName: name, email: `${name.toLowerCase()}@example.com`, passwordHash: 'scrypt$x', timeZone: 'UTC' });
const granted = (role: string) =>
  newEvent('AccessGranted', { calendarID: family, ruleID: `user:${bob}`, scope: { type: 'user', userID: bob }, role, grantedBy: ann });

describe('stampedRoles', () => {
  let now: number;
  let stamps: AccessStamps;
  /** What the command side writes through: every Calendar/User append moves its principal's stamp. */
  let writes: EventStore;
  let counting: ReturnType<typeof countingReads>;
  let roles: ReturnType<typeof stampedRoles>;
  let store: EventStore;
  /** The store itself, written past the stamps. */
  let inner: EventStore;

  beforeEach(async () => {
    now = Date.parse('2030-01-01T00:00:00Z');
    inner = inMemoryEventStore();
    counting = countingReads(inner);
    store = counting.store;
    stamps = inMemoryAccessStamps();
    writes = stampingEventStore(inner, stamps);
    roles = stampedRoles(store, stamps, { clock: () => new Date(now) });
    await writes.appendToStream(userStreamName(ann), [registered(ann, 'Ann')], 'no_stream');
    await writes.appendToStream(userStreamName(bob), [registered(bob, 'Bob')], 'no_stream');
    await writes.appendToStream(calendarStreamName(family), [
      newEvent('CalendarCreated', { calendarID: family, ownerID: ann, primary: false, summary: 'Family', description: null, timeZone: 'UTC' }),
      granted('reader'),
    ], 'no_stream');
  });

  const roleNames = async (readerID: string, calendarIDs: string[]) => (await roles(readerID, calendarIDs)).map((r) => r.role);

  it('answers as rolesOf does, and reads the store again only for what a moved stamp vouches for', async () => {
    const asked = [family, ann];
    expect(await roleNames(bob, asked)).toEqual((await rolesOf(store, bob, asked)).map((r) => r.role));
    expect(await roleNames(bob, asked)).toEqual(['reader', 'freeBusyReader']);
    counting.take();
    expect(await roleNames(bob, asked)).toEqual(['reader', 'freeBusyReader']);
    expect(counting.reads()).toBe(0);
    // Anything written to the calendar moves its stamp: the next request reads the store (for it alone) and sees it.
    await writes.appendToStream(calendarStreamName(family), [newEvent('AccessRevoked', { calendarID: family, ruleID: `user:${bob}`, revokedBy: ann })], 'any');
    expect(await roleNames(bob, asked)).toEqual(['none', 'freeBusyReader']);
    expect(counting.reads()).toBe(1);
    await writes.appendToStream(calendarStreamName(family), [granted('writer')], 'any');
    expect(await roleNames(bob, asked)).toEqual(['writer', 'freeBusyReader']);
  });

  it('sees a change of the reader’s own account, and of an unwritten primary calendar’s owner', async () => {
    // A rule for an address opens the calendar once the reader verifies that address: a write to the reader's account.
    await writes.appendToStream(calendarStreamName(family), [
      newEvent('AccessGranted', { calendarID: family, ruleID: 'email:bob@example.com', scope: { type: 'email', email: 'bob@example.com' }, role: 'writer', grantedBy: ann }),
    ], 'any');
    expect(await roleNames(bob, [family])).toEqual(['reader']);
    await writes.appendToStream(userStreamName(bob), [newEvent('EmailVerified', { userID: bob, email: 'bob@example.com' })], 'any');
    expect(await roleNames(bob, [family])).toEqual(['writer']);
    // Ann's primary calendar is unwritten: it starts from her account, whose writes move the same stamp.
    expect((await roles(bob, [ann]))[0]!.calendar.state).toMatchObject({ timeZone: 'UTC' });
    await writes.appendToStream(userStreamName(ann), [newEvent('PreferredTimeZoneChanged', { userID: ann, timeZone: 'Asia/Tokyo' })], 'any');
    expect((await roles(bob, [ann]))[0]!.calendar.state).toMatchObject({ timeZone: 'Asia/Tokyo' });
  });

  it('reads a principal without a stamp from the store, gives it one only if it exists, and keeps it from the next request', async () => {
    const cyd = '33333333-3333-4333-8333-333333333333';
    const madeUp = '55555555-5555-4555-8555-555555555555';
    // Cyd's account was written past the stamps (as if hers had lapsed after a day untouched).
    await inner.appendToStream(userStreamName(cyd), [registered(cyd, 'Cyd')], 'no_stream');
    expect(await stamps.read([cyd, madeUp])).toEqual([null, null]);
    counting.take();
    expect(await roleNames(bob, [cyd, madeUp])).toEqual(['freeBusyReader', 'none']);
    expect(counting.reads()).toBe(1);
    const [cydStamp, none] = (await stamps.read([cyd, madeUp]))!;
    expect(typeof cydStamp).toBe('string');
    expect(none).toBeNull();
    // Read again beside the new stamp, then kept; the made-up id is read every time and never stamped.
    await roleNames(bob, [cyd]);
    counting.take();
    expect(await roleNames(bob, [cyd])).toEqual(['freeBusyReader']);
    expect(counting.reads()).toBe(0);
    expect(await roleNames(bob, [madeUp])).toEqual(['none']);
    expect(counting.reads()).toBe(1);
    expect(await stamps.read([madeUp])).toEqual([null]);
  });

  it('reads the store as rolesOf does when the stamps cannot be read, and keeps nothing from it', async () => {
    const failing: AccessStamps = { ...stamps, read: async () => undefined, current: async () => undefined };
    const unstamped = stampedRoles(store, failing, { clock: () => new Date(now) });
    counting.take();
    expect((await unstamped(bob, [family])).map((r) => r.role)).toEqual(['reader']);
    expect((await unstamped(bob, [family])).map((r) => r.role)).toEqual(['reader']);
    expect(counting.reads()).toBe(2);
  });

  it('keeps nothing longer than a reader may trust a stamp, and no more principals than it is given room for', async () => {
    await roles(bob, [family]);
    now += 10 * 60_000;
    counting.take();
    await roles(bob, [family]);
    expect(counting.reads()).toBe(1);

    const small = stampedRoles(store, stamps, { clock: () => new Date(now), maxEntries: 2 });
    await small(bob, [family]);
    await small(ann, [family]);
    counting.take();
    await small(bob, [family]);
    expect(counting.reads()).toBe(1);
  });
});
