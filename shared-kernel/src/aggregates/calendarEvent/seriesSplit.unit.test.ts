import { DomainError } from '../../errors/domainError';
import type { CalendarAccess, CalendarEventCommand } from './commands';
import { decide } from './decide';
import type { Live } from './invariants';
import { endSeriesAt, planSplit, requireSplittable } from './seriesSplit';
import { type CalendarEventState, evolve, initialState } from './state';

const host = '11111111-1111-4111-8111-111111111111';
const ann = '22222222-2222-4222-8222-222222222222';
const eventID = '55555555-5555-4555-8555-555555555555';
const nextID = '66666666-6666-4666-8666-666666666666';
const own: CalendarAccess = { calendarID: host, role: 'owner' };
const guest: CalendarAccess = { calendarID: host, role: 'none' };
const at = (day: string) => `2030-${day}T09:00:00.000Z`;
const hourOf = (start: string) => ({ startTime: start, endTime: new Date(Date.parse(start) + 3_600_000).toISOString(), timeZone: 'UTC', allDay: false, startDate: null, endDate: null });

function run(commands: CalendarEventCommand[]): CalendarEventState {
  return commands.reduce((state, command) => decide(command, state).reduce(evolve, state), initialState());
}

/** Weekly on Mondays from 7 January 2030, ten times; Ann accepted; 14 Jan cancelled, 28 Jan retitled, 4 Feb cancelled. */
function weeklySeries(): Live {
  const state = run([
    { type: 'ScheduleEvent', data: { eventID, hostID: host, access: own, title: 'Standup', description: null, location: null, timing: hourOf(at('01-07')), recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'], invitedUserIDs: [ann] } },
    { type: 'RespondToInvitation', data: { eventID, userID: ann, response: 'ACCEPT' } },
    { type: 'CancelOccurrence', data: { eventID, actorID: host, access: own, originalStart: at('01-14') } },
    { type: 'ChangeOccurrence', data: { eventID, actorID: host, access: own, originalStart: at('01-28'), changes: { title: 'Retro' } } },
    { type: 'CancelOccurrence', data: { eventID, actorID: host, access: own, originalStart: at('02-04') } },
  ]);
  return requireSplittable(state, host, own);
}

describe('planSplit ("this and following")', () => {
  it('continues the rule with what is left of COUNT and ends the original just before the split', () => {
    const plan = planSplit(weeklySeries(), at('01-21'), { timing: hourOf(at('01-21')) }, nextID, host, own);
    expect(plan.endOriginal).toEqual({ eventID, actorID: host, access: own, originalStart: at('01-21'), recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20300121T085959Z'], newEventID: nextID });
    expect(plan.continuation).toMatchObject({ eventID: nextID, hostID: host, access: own, title: 'Standup', recurrence: ['RRULE:FREQ=WEEKLY;COUNT=8'], invitedUserIDs: [ann] });
    expect(plan.continuation.carriedOver?.answers).toEqual({ [host]: 'ACCEPTED', [ann]: 'ACCEPTED' });
    // Exceptions after the split move; the one before it stays with the original.
    expect(plan.movedExceptions).toEqual([at('01-28'), at('02-04')]);
    expect(plan.droppedExceptions).toEqual([]);
    expect(plan.continuation.carriedOver?.exceptions).toEqual([
      { originalStart: at('01-28'), values: expect.objectContaining({ title: 'Retro', startTime: at('01-28') }) },
      { originalStart: at('02-04'), values: null },
    ]);
  });

  it('drops the exceptions the new rule has no occurrence for, and takes the changed details', () => {
    const plan = planSplit(weeklySeries(), at('01-21'), { timing: hourOf(at('01-21')), recurrence: ['RRULE:FREQ=WEEKLY;COUNT=2'], title: 'Sync', location: 'Room 1' }, nextID, host, own);
    expect(plan.continuation).toMatchObject({ title: 'Sync', location: 'Room 1', description: null, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=2'] });
    expect(plan.movedExceptions).toEqual([at('01-28')]);
    expect(plan.droppedExceptions).toEqual([at('02-04')]);
  });

  it('refuses a start that is no occurrence of the series, and a bad rule naming the line', () => {
    expect(() => planSplit(weeklySeries(), at('01-22'), { timing: hourOf(at('01-22')) }, nextID, host, own)).toThrow(expect.objectContaining({ code: 'EVENT_NOT_FOUND' }));
    expect(() => planSplit(weeklySeries(), at('01-21'), { timing: hourOf(at('01-21')), recurrence: ['RRULE:FREQ=SOMETIMES'] }, nextID, host, own)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', fieldErrors: [expect.objectContaining({ path: 'recurrence.0' })] }),
    );
  });

  it('ends the original at the same place when a split is retried', () => {
    const series = weeklySeries();
    const plan = planSplit(series, at('01-21'), { timing: hourOf(at('01-21')) }, nextID, host, own);
    expect(endSeriesAt(series, at('01-21'), host, own, nextID)).toEqual(plan.endOriginal);
  });

  it('lets only a writer of its calendar split a live series; a guest is told they are not the host', () => {
    const series = weeklySeries();
    expect(() => requireSplittable(series, ann, guest)).toThrow(expect.objectContaining({ code: 'NOT_HOST' }));
    expect(() => requireSplittable({ ...series, status: 'cancelled' }, host, own)).toThrow(DomainError);
    expect(() => requireSplittable({ ...series, status: 'cancelled' }, host, own)).toThrow(expect.objectContaining({ code: 'EVENT_CANCELLED' }));
  });
});
