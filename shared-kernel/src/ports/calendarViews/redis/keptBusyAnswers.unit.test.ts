import type { BusyInterval } from '../../../intervals';
import { busyOfAnswer, KEPT_BUSY_MAX_AGE_MS, keptBusyAnswers } from './keptBusyAnswers';

const intervals = (n: number): BusyInterval[] => Array.from({ length: n }, (_, i) => ({ start: i * 10, end: i * 10 + 5, kind: 'busy' }));

describe('keptBusyAnswers', () => {
  it('keeps an answer per user and window, packed, and replaces it when read under a new stamp', () => {
    const kept = keptBusyAnswers(100);
    const read: BusyInterval[] = [{ start: 1, end: 5, kind: 'busy' }, { start: 3, end: 9, kind: 'tentative' }];
    expect(busyOfAnswer(kept.keep('ann', 0, 100, '7', true, read)!)).toBe(read);
    const answer = kept.get('ann', 0, 100);
    expect(answer?.stamp).toBe('7');
    expect(answer?.packed).toBeInstanceOf(Float64Array);
    expect(busyOfAnswer(answer!)).toEqual(read);
    expect(kept.get('ann', 0, 200)).toBeUndefined();
    kept.keep('ann', 0, 100, '8', false);
    expect(kept.get('ann', 0, 100)).toMatchObject({ stamp: '8', any: false });
    expect(busyOfAnswer(kept.get('ann', 0, 100)!)).toBeUndefined();
  });

  it('keeps nothing without a stamp, and holds at most its bound in two generations, the older dropped whole', () => {
    const kept = keptBusyAnswers(20);
    expect(kept.keep('ann', 0, 100, '', true, intervals(1))).toBeUndefined();
    expect(kept.get('ann', 0, 100)).toBeUndefined();
    kept.keep('ann', 0, 100, '1', true, intervals(4)); // 5 of the young generation's 10
    kept.keep('bob', 0, 100, '1', true, intervals(3)); // 9
    kept.keep('cy', 0, 100, '1', true, intervals(2)); // 12 > 10: ann and bob are the old generation now
    expect([kept.get('ann', 0, 100)?.stamp, kept.get('cy', 0, 100)?.stamp]).toEqual(['1', '1']); // ann moves back to the young
    kept.keep('dee', 0, 100, '1', true, intervals(4)); // the young (cy, ann) ages; bob, left in the old, is dropped
    expect([kept.get('bob', 0, 100), kept.get('ann', 0, 100)?.stamp, kept.get('dee', 0, 100)?.stamp]).toEqual([undefined, '1', '1']);
    expect(kept.keep('eve', 0, 100, '1', true, intervals(10))).toBeUndefined(); // larger than a generation
  });

  it('finds the latest answer after many generations came and went', () => {
    const kept = keptBusyAnswers(1000);
    for (let i = 0; i < 100_000; i++) kept.keep(`user-${i}`, 0, 100, '1', true, intervals(3));
    kept.keep('ann', 0, 100, '2', true, intervals(3));
    expect(kept.get('ann', 0, 100)?.stamp).toBe('2');
    expect(kept.get('user-0', 0, 100)).toBeUndefined();
  });

  it('trusts an answer for ten minutes at most, whatever its stamp says', () => {
    let now = 0;
    const kept = keptBusyAnswers(100, () => now);
    kept.keep('ann', 0, 100, '7', true, intervals(1));
    now = KEPT_BUSY_MAX_AGE_MS - 1;
    expect(kept.get('ann', 0, 100)?.stamp).toBe('7');
    now = KEPT_BUSY_MAX_AGE_MS;
    expect(kept.get('ann', 0, 100)).toBeUndefined();
  });
});
