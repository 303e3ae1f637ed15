import { randomUUID } from 'node:crypto';
import { inMemoryEventStore } from '../eventStore/inMemoryEventStore';
import { newEvent } from '../eventStore/eventStore.contract';
import type { AccessStamps } from './accessStamps';
import { inMemoryAccessStamps } from './inMemoryAccessStamps';
import { stampingEventStore } from './stampingEventStore';

describe('stampingEventStore', () => {
  it('moves the stamp of each Calendar and User stream appended to, after the commit, and of nothing else', async () => {
    const stamps = inMemoryAccessStamps();
    const store = stampingEventStore(inMemoryEventStore(), stamps);
    const [calendar, user, event] = [randomUUID(), randomUUID(), randomUUID()];
    const before = await stamps.read([calendar, user, event]);
    await store.appendToStream(`Calendar-${calendar}`, [newEvent()], 'any');
    await store.appendNewStreams([{ streamName: `User-${user}`, events: [newEvent()] }, { streamName: `CalendarEvent-${event}`, events: [newEvent()] }]);
    const after = (await stamps.read([calendar, user, event]))!;
    expect(after[0]).not.toEqual(before![0]);
    expect(after[1]).not.toEqual(before![1]);
    expect(after[2]).toBeNull();
    expect((await store.readStreams([{ streamName: `Calendar-${calendar}` }]))[0]!.events).toHaveLength(1);
  });

  it('refuses a change of rights whose stamp cannot be moved, appending nothing; moves the stamp again after an append that failed', async () => {
    const calendar = randomUUID();
    const inner = inMemoryEventStore();
    const down: AccessStamps = { touch: async () => { throw new Error('Redis down'); }, read: async () => undefined, current: async () => undefined };
    const refused = stampingEventStore(inner, down);
    await expect(refused.appendToStream(`Calendar-${calendar}`, [newEvent()], 'no_stream')).rejects.toMatchObject({ code: 'SERVER_BUSY' });
    await expect(refused.appendNewStreams([{ streamName: `User-${calendar}`, events: [newEvent()] }])).rejects.toMatchObject({ code: 'SERVER_BUSY' });
    expect((await inner.readStream(`Calendar-${calendar}`)).events).toEqual([]);
    // Bookings (CalendarEvent streams) never touch the stamps, so Redis being away never stops them.
    await expect(refused.appendToStream(`CalendarEvent-${randomUUID()}`, [newEvent()], 'no_stream')).resolves.toBeDefined();

    const touched: string[][] = [];
    let calls = 0;
    const flaky: AccessStamps = { touch: async (ids) => { touched.push([...ids]); if (++calls === 2) throw new Error('Redis blip'); }, read: async () => undefined, current: async () => undefined };
    const warnings: unknown[] = [];
    const store = stampingEventStore(inner, flaky, { warn: (obj) => warnings.push(obj) });
    await expect(store.appendToStream(`Calendar-${calendar}`, [newEvent()], 'no_stream')).resolves.toBeDefined();
    await expect(store.appendToStream(`Calendar-${calendar}`, [newEvent()], 'no_stream')).rejects.toThrow();
    expect(touched).toEqual([[calendar], [calendar], [calendar], [calendar]]);
    expect(warnings).toHaveLength(1);
  });
});
