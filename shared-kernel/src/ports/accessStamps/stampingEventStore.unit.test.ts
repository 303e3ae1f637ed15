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

  it('moves nothing for an append that failed, and keeps a committed write when the stamps cannot be moved', async () => {
    const touched: string[][] = [];
    const failing: AccessStamps = { touch: async (ids) => { touched.push([...ids]); throw new Error('Redis down'); }, read: async () => undefined };
    const warnings: unknown[] = [];
    const store = stampingEventStore(inMemoryEventStore(), failing, { warn: (obj) => warnings.push(obj) });
    const calendar = randomUUID();
    await expect(store.appendToStream(`Calendar-${calendar}`, [newEvent()], 'no_stream')).resolves.toBeDefined();
    await expect(store.appendToStream(`Calendar-${calendar}`, [newEvent()], 'no_stream')).rejects.toThrow();
    expect(touched).toEqual([[calendar]]);
    expect(warnings).toHaveLength(1);
  });
});
