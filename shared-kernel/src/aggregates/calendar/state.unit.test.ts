import fc from 'fast-check';
import type { CalendarStreamEvent } from './events';
import { evolve, evolveAll, initialState } from './state';

const calendarID = '44444444-4444-4444-8444-444444444444';
const people = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
const event: fc.Arbitrary<CalendarStreamEvent> = fc.oneof(
  fc.constantFrom(...people).map((ownerID): CalendarStreamEvent => ({ type: 'CalendarCreated', data: { calendarID, ownerID, primary: ownerID === people[0], summary: 'C', description: null, timeZone: 'UTC' } })),
  fc.record({ who: fc.constantFrom(...people), role: fc.constantFrom('freeBusyReader', 'reader', 'writer', 'owner') as fc.Arbitrary<'reader'> })
    .map(({ who, role }): CalendarStreamEvent => ({ type: 'AccessGranted', data: { calendarID, ruleID: `user:${who}`, scope: { type: 'user', userID: who }, role, grantedBy: people[0]! } })),
  fc.record({ who: fc.constantFrom(...people), role: fc.constantFrom('reader', 'owner') as fc.Arbitrary<'reader'> })
    .map(({ who, role }): CalendarStreamEvent => ({ type: 'AccessChanged', data: { calendarID, ruleID: `user:${who}`, role, changedBy: people[0]! } })),
  fc.constantFrom(...people).map((who): CalendarStreamEvent => ({ type: 'AccessRevoked', data: { calendarID, ruleID: `user:${who}`, revokedBy: people[0]! } })),
  fc.constant<CalendarStreamEvent>({ type: 'CalendarDetailsChanged', data: { calendarID, summary: 'D', description: 'd', changedBy: people[0]! } }),
  fc.constant<CalendarStreamEvent>({ type: 'CalendarDeleted', data: { calendarID, deletedBy: people[0]! } }),
  fc.constantFrom('1', '2').map((n): CalendarStreamEvent => ({ type: 'FeedCreated', data: { calendarID, feedID: `66666666-6666-4666-8666-00000000000${n}`, tokenHash: n, createdBy: people[0]!, createdAt: n } })),
  fc.constantFrom('1', '2').map((n): CalendarStreamEvent => ({ type: 'FeedRevoked', data: { calendarID, feedID: `66666666-6666-4666-8666-00000000000${n}`, revokedBy: people[0]! } })),
  fc.constant<CalendarStreamEvent>({ type: 'SubscriptionSourceSet', data: { calendarID, url: 'https://example.com/a.ics', setBy: people[0]! } }),
  fc.constant<CalendarStreamEvent>({ type: 'SubscriptionSynced', data: { calendarID, etag: '"1"', lastModified: null, contentHash: 'h', syncedAt: 't' } }),
);

describe('folding a Calendar stream', () => {
  it('evolveAll is evolve over the run, and leaves every state it was given as it was (property)', () => {
    fc.assert(fc.property(fc.array(event, { maxLength: 40 }), fc.array(event, { maxLength: 40 }), (first, second) => {
      const start = first.reduce(evolve, initialState());
      const snapshot = JSON.stringify(start);
      expect(evolveAll(start, second)).toEqual(second.reduce(evolve, start));
      expect(JSON.stringify(start)).toBe(snapshot);
    }));
  });
});
