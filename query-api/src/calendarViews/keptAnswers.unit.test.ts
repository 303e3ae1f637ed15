import { randomUUID } from 'node:crypto';
import { ACCESS_STAMP_READER_MAX_AGE_MS, inMemoryAccessStamps, inMemoryCalendarViews } from '@datebook/shared-kernel/ports';
import { keptAnswers } from './keptAnswers';

describe('keptAnswers', () => {
  let now: number;
  const clock = () => new Date(now);
  const setUp = (options: { maxEntries?: number; maxAnswerBytes?: number; maxBytes?: number; maxPerPerson?: number } = {}) => {
    const access = inMemoryAccessStamps();
    const views = inMemoryCalendarViews();
    return { access, views, kept: keptAnswers({ access, views, clock, ...options }) };
  };
  /** Keeps `json` for `key` the way the route does: stamps first, then the answer. */
  const keep = async (kept: ReturnType<typeof keptAnswers>, key: string, accessOf: string[], viewsOf: string[], json: string, person = 'someone') => {
    const access = (await kept.accessStamps(accessOf))!;
    const views = (await kept.viewStamps(viewsOf))!;
    kept.keep(key, person, { accessOf, viewsOf }, access, views, json);
  };
  beforeEach(() => {
    now = Date.parse('2030-01-01T00:00:00Z');
  });

  it('serves the kept answer while every stamp reads the same, and not after any of them moved', async () => {
    const { access, views, kept } = setUp();
    const [person, calendar] = [randomUUID(), randomUUID()];
    await keep(kept, 'k', [person, calendar], [person, calendar], '{"a":1}');
    expect(await kept.current('k')).toBe('{"a":1}');
    expect(await kept.current('other')).toBeUndefined();

    await access.touch([calendar]);
    expect(await kept.current('k')).toBeUndefined();
    await keep(kept, 'k', [person, calendar], [person, calendar], '{"a":2}');
    expect(await kept.current('k')).toBe('{"a":2}');

    await views.backfill(calendar, [], new Date(0));
    expect(await kept.current('k')).toBeUndefined();
    await keep(kept, 'k', [person, calendar], [person, calendar], '{"a":3}');
    await access.touch([randomUUID()]);
    expect(await kept.current('k')).toBe('{"a":3}');
    await access.touch([person]);
    expect(await kept.current('k')).toBeUndefined();
  });

  it('serves nothing once the answer is older than an access stamp may be trusted, or when stamps cannot be read', async () => {
    const { kept } = setUp();
    await keep(kept, 'k', [randomUUID()], [], '{}');
    now += ACCESS_STAMP_READER_MAX_AGE_MS - 1;
    expect(await kept.current('k')).toBe('{}');
    now += 1;
    expect(await kept.current('k')).toBeUndefined();

    const unreadable = keptAnswers({ access: { touch: async () => {}, read: async () => undefined, current: async () => undefined }, views: inMemoryCalendarViews(), clock });
    unreadable.keep('k', 'someone', { accessOf: ['a'], viewsOf: [] }, ['s'], [], '{}');
    expect(await unreadable.current('k')).toBeUndefined();
  });

  it('keeps at most maxEntries answers (the oldest go first) and none longer than maxAnswerBytes', async () => {
    const { kept } = setUp({ maxEntries: 2, maxAnswerBytes: 10 });
    await keep(kept, 'a', [], [], '"a"');
    await keep(kept, 'b', [], [], '"b"');
    await keep(kept, 'c', [], [], '"c"');
    await keep(kept, 'big', [], [], `"${'x'.repeat(20)}"`);
    expect([await kept.current('a'), await kept.current('b'), await kept.current('c'), await kept.current('big')]).toEqual([undefined, '"b"', '"c"', undefined]);
  });

  it('keeps a few answers per person, bounds the memory of all, and forgets an answer built afresh that may not be kept', async () => {
    const { kept } = setUp({ maxPerPerson: 2, maxBytes: 1_000 });
    await keep(kept, 'ann-1', [], [], '"1"', 'ann');
    await keep(kept, 'ann-2', [], [], '"2"', 'ann');
    await keep(kept, 'bob-1', [], [], '"b"', 'bob');
    await keep(kept, 'ann-3', [], [], '"3"', 'ann');
    expect([await kept.current('ann-1'), await kept.current('ann-2'), await kept.current('ann-3'), await kept.current('bob-1')]).toEqual([undefined, '"2"', '"3"', '"b"']);
    // 2 × 300 units each: the third pushes the oldest out.
    const big = `"${'x'.repeat(298)}"`;
    await keep(kept, 'cyd-1', [], [], big, 'cyd');
    await keep(kept, 'dan-1', [], [], big, 'dan');
    expect([await kept.current('ann-2'), await kept.current('cyd-1'), await kept.current('dan-1')]).toEqual([undefined, undefined, big]);
    kept.forget('dan-1');
    expect(await kept.current('dan-1')).toBeUndefined();
  });

  it('never keeps an answer beside "no stamp": a principal without one is given one first', async () => {
    const { access, kept } = setUp();
    const never = randomUUID();
    await keep(kept, 'k', [never], [], '{}');
    expect((await access.read([never]))?.[0]).toEqual(expect.any(String));
    expect(await kept.current('k')).toBe('{}');
  });
});
