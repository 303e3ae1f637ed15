import type { BusyInterval } from '../../../intervals';
import { keptBusyAnswers } from './keptBusyAnswers';

const intervals = (n: number): BusyInterval[] => Array.from({ length: n }, (_, i) => ({ start: i * 10, end: i * 10 + 5, kind: 'busy' }));

describe('keptBusyAnswers', () => {
  it('keeps an answer per user and window, frozen, and replaces it when read under a new stamp', () => {
    const kept = keptBusyAnswers(100);
    kept.keep('ann', 0, 100, '7', true, intervals(3));
    const answer = kept.get('ann', 0, 100);
    expect(answer?.stamp).toBe('7');
    expect(Object.isFrozen(answer?.busy) && Object.isFrozen(answer?.busy?.[0])).toBe(true);
    expect(kept.get('ann', 0, 200)).toBeUndefined();
    kept.keep('ann', 0, 100, '8', false);
    expect(kept.get('ann', 0, 100)).toEqual({ stamp: '8', any: false, size: 1 });
  });

  it('keeps nothing without a stamp, and holds at most its intervals, dropping the oldest first', () => {
    const kept = keptBusyAnswers(10);
    expect(kept.keep('ann', 0, 100, '', true, intervals(1))).toBeUndefined();
    expect(kept.get('ann', 0, 100)).toBeUndefined();
    kept.keep('ann', 0, 100, '1', true, intervals(4)); // 5
    kept.keep('bob', 0, 100, '1', true, intervals(3)); // 4
    kept.keep('cy', 0, 100, '1', true, intervals(2)); // 3: ann goes
    expect([kept.get('ann', 0, 100), kept.get('bob', 0, 100)?.stamp, kept.get('cy', 0, 100)?.stamp]).toEqual([undefined, '1', '1']);
    expect(kept.keep('dee', 0, 100, '1', true, intervals(10))).toBeUndefined();
    expect(kept.get('bob', 0, 100)?.stamp).toBe('1');
  });
});
