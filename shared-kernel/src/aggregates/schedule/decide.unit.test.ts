import { DomainError } from '../../errors/domainError';
import type { ScheduleCommand } from './commands';
import { decide } from './decide';
import { evolve, initialState, type ScheduleState } from './state';
import { RESERVATION_TTL_MS } from './streams';

const host = '11111111-1111-4111-8111-111111111111';
const [mine, theirs] = ['22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
const now = '2031-01-06T08:00:00.000Z';
const nineToTen = { start: '2031-02-03T09:00:00.000Z', end: '2031-02-03T10:00:00.000Z' };

const reserve = (intervals = [nineToTen], knownConflicts: ScheduleCommand['data']['knownConflicts'] = []): ScheduleCommand => ({
  type: 'ReserveTime', data: { userID: host, eventID: mine, intervals, now, knownConflicts },
});
const reservedBy = (eventID: string, reservedAt: string, intervals = [{ start: '2031-02-03T09:30:00.000Z', end: '2031-02-03T11:00:00.000Z' }]): ScheduleState =>
  evolve(initialState(), { type: 'TimeReserved', data: { userID: host, eventID, intervals, reservedAt } });

function conflictsOf(command: ScheduleCommand, state: ScheduleState) {
  try {
    decide(command, state);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('SCHEDULE_CONFLICT');
    return (error as DomainError).extensions;
  }
  throw new Error('expected SCHEDULE_CONFLICT, but the time was reserved');
}

describe('the Schedule decider', () => {
  it('reserves free time', () => {
    expect(decide(reserve(), initialState())).toEqual([{ type: 'TimeReserved', data: { userID: host, eventID: mine, intervals: [nineToTen], reservedAt: now } }]);
  });

  it('refuses time another booking reserved, naming the overlap', () => {
    expect(JSON.stringify(conflictsOf(reserve(), reservedBy(theirs, now)))).toContain('"from":"2031-02-03T09:30:00.000Z","to":"2031-02-03T10:00:00.000Z"');
  });

  it('is not blocked by the booking’s own reservation (a retry) nor by one past its life', () => {
    expect(decide(reserve(), reservedBy(mine, now))).toHaveLength(1);
    const lapsed = new Date(Date.parse(now) - RESERVATION_TTL_MS).toISOString();
    expect(decide(reserve(), reservedBy(theirs, lapsed))).toHaveLength(1);
  });

  it('refuses with the conflicts known from elsewhere too, each once', () => {
    const known = { userID: host, from: '2031-02-03T09:30:00.000Z', to: '2031-02-03T10:00:00.000Z' };
    const other = { userID: theirs, from: '2031-02-03T09:00:00.000Z', to: '2031-02-03T09:15:00.000Z' };
    expect(conflictsOf(reserve([nineToTen], [known, other]), reservedBy(theirs, now))).toEqual({ conflicts: [known, other] });
    expect(conflictsOf(reserve([nineToTen], [other]), initialState())).toEqual({ conflicts: [other] });
  });

  it('writes nothing for a booking without occurrences', () => {
    expect(decide(reserve([]), reservedBy(theirs, now))).toEqual([]);
  });
});
