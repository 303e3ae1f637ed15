import fc from 'fast-check';
import { DOMAIN_END_MS, DOMAIN_START_MS } from '@datebook/shared-kernel';
import { type HostileTarget, startHostileTarget } from './hostileHarness';

/**
 * Security issue, item 1: "what the write side accepts, every reader must be able to read". Random
 * bookings over the whole valid domain and past its edges: each one POST /events accepts is projected by
 * every consumer (nothing parked) and answers on every read route; each one it refuses is a 400.
 */
describe('hostile: every accepted booking is readable everywhere', () => {
  let t: HostileTarget;
  beforeAll(async () => {
    t = await startHostileTarget();
  });
  afterAll(async () => {
    await t.stop();
  });

  const DAY = 86_400_000;
  // Instants from a year before the domain to a year after it, biased towards its edges.
  const instant = fc.oneof(
    fc.integer({ min: DOMAIN_START_MS - 366 * DAY, max: DOMAIN_END_MS + 366 * DAY }),
    fc.integer({ min: DOMAIN_START_MS - 2 * DAY, max: DOMAIN_START_MS + 2 * DAY }),
    fc.integer({ min: DOMAIN_END_MS - 2 * DAY, max: DOMAIN_END_MS + 2 * DAY }),
  ).map((ms) => Math.floor(ms / 60_000) * 60_000);
  const iso = (ms: number) => new Date(ms).toISOString();
  const date = (ms: number) => iso(ms).slice(0, 10);
  const body = fc.oneof(
    fc.record({ start: instant, minutes: fc.integer({ min: 1, max: 3 * 366 * 24 * 60 }) })
      .map(({ start, minutes }) => ({ title: 'timed', startTime: iso(start), endTime: iso(start + minutes * 60_000) })),
    fc.record({ start: instant, weeks: fc.integer({ min: 1, max: 400 }) })
      .map(({ start, weeks }) => ({ title: 'weeks', startTime: iso(start), duration: `P${weeks}W` })),
    fc.record({ start: instant, days: fc.integer({ min: 1, max: 3000 }) })
      .map(({ start, days }) => ({ title: 'all day', startDate: date(start), endDate: date(start + days * DAY) })),
    fc.record({ start: instant, count: fc.integer({ min: 1, max: 50 }), freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY') })
      .map(({ start, count, freq }) => ({ title: 'series', startTime: iso(start), duration: 'PT1H', timeZone: 'Europe/Berlin', recurrence: [`RRULE:FREQ=${freq};COUNT=${count}`] })),
    fc.record({ start: instant, until: instant, freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY') })
      .map(({ start, until, freq }) => ({
        title: 'until', startTime: iso(start), duration: 'PT30M', timeZone: 'America/New_York',
        recurrence: [`RRULE:FREQ=${freq};UNTIL=${iso(until).replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`],
      })),
  );

  it('projects and reads back everything it accepts, and refuses the rest with 400', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        const res = await t.sys.http().post('/events').set(t.attacker.auth).send(sent);
        if (res.status !== 201) {
          expect(res.status).toBe(400);
          return;
        }
        const { eventID, consistencyToken } = res.body as { eventID: string; consistencyToken: string };
        const details = await t.sys.http().get(`/events/${eventID}`).set(t.attacker.auth).set('X-Consistency-Token', consistencyToken);
        expect(details.status).toBe(200);
        expect((await t.sys.http().get(`/events/${eventID}/history`).set(t.attacker.auth)).status).toBe(200);
        const from = Date.parse(details.body.startTime);
        const window = { from: iso(from), to: iso(Math.min(from + 7 * DAY, DOMAIN_END_MS)) };
        const view = await t.sys.http().get('/events').query(window).set(t.attacker.auth);
        expect(view.status).toBe(200);
        expect(view.body.events.some((e: { eventID: string; recurringEventID?: string }) => e.eventID === eventID || e.recurringEventID === eventID)).toBe(true);
        const busy = await t.sys.http().post('/freebusy').set(t.attacker.auth).send({ userIDs: [t.attacker.userID], ...window });
        expect(busy.status).toBe(200);
        const free = await t.sys.http().patch('/events/availability').set(t.attacker.auth).send({ userID: t.attacker.userID, startTime: window.from, endTime: window.to });
        expect(free.status).toBe(200);
      }),
      { numRuns: 60 },
    );
    // Every consumer has caught up with all the runs' events once a later booking reached each of them:
    // parked rows stay, so one count covers every run.
    await t.expectOthersStillServed();
    expect(await t.parkedCount()).toBe(0);
  });
});
