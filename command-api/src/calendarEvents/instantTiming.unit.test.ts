import { DomainError } from '@datebook/shared-kernel';
import { resolveTiming } from './eventTiming';

// Times written as Date.toISOString writes them skip Temporal's parser; every form must still mean the same instant.
describe('resolveTiming reads instants', () => {
  const instantOf = (startTime: string) => resolveTiming({ startTime, duration: 'PT1H' }, undefined, 'UTC').startTime;

  it('the same in every RFC 3339 form', () => {
    for (const form of ['2030-06-04T08:00:00.000Z', '2030-06-04T08:00:00Z', '2030-06-04T10:00:00.000+02:00', '2030-06-04T08:00Z', '2030-06-04t08:00:00.000z']) {
      expect(instantOf(form)).toBe('2030-06-04T08:00:00.000Z');
    }
    expect(instantOf('2030-06-04T08:00:00.123Z')).toBe('2030-06-04T08:00:00.123Z');
  });

  it('and refuses a day the calendar does not have, whichever form names it', () => {
    const refusal = (form: string) => {
      try {
        instantOf(form);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const form of ['2030-02-30T08:00:00.000Z', '2030-02-30T08:00:00Z', '2030-06-04T24:00:00.000Z']) {
      const error = refusal(form);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).fieldErrors).toEqual([{ path: 'startTime', message: 'not a valid date-time' }]);
    }
  });
});
