import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { createTestDatabase, measureEventLoopDelay, pollUntil, type TestDatabase } from '@datebook/shared-kernel/testing';
import type { Response } from 'supertest';
import { startTestSystem, type TestSystem } from '../testing/testSystem';

/** The operators' token of the target: only it sees readiness details. */
export const OPS_TOKEN = 'operators-token-of-the-hostile-suite-0123456789';
/**
 * The longest the event loop stalled while `send` ran. A box under load can hold this process off a core
 * for a moment, which the loop's delay counts too; so a measure over the limit is taken again (the requests
 * measured are refused or read-only, so repeating them changes nothing) and the smallest of three counts.
 * Work the code does on the loop shows up every time; a scheduling hiccup does not.
 */
export async function longestLoopBlock<T>(send: () => Promise<T>): Promise<{ result: T; blockedMs: number }> {
  const first = await measureEventLoopDelay(send);
  let blockedMs = first.maxDelayMs;
  for (let attempt = 1; attempt < 3 && blockedMs >= MAX_LOOP_BLOCK_MS; attempt += 1) {
    blockedMs = Math.min(blockedMs, (await measureEventLoopDelay(send)).maxDelayMs);
  }
  return { result: first.result, blockedMs };
}

/** The longest the event loop may be blocked while the system handles one hostile request. */
export const MAX_LOOP_BLOCK_MS = 50;
/** How soon another person's booking must reach the views, the read model and the notifier. */
export const LAG_TARGET_MS = 2_000;

type User = Awaited<ReturnType<TestSystem['signUp']>>;

/**
 * The system the hostile suite attacks: the single-process system on a real PostgreSQL server (PGlite
 * runs in this process and would itself block the loop the suite measures), and two bystanders whose
 * booking must keep flowing whatever the attacker sends.
 */
export async function startHostileTarget(options: Pick<NonNullable<Parameters<typeof startTestSystem>[1]>, 'subscriptions'> = {}) {
  const testDatabase: TestDatabase = await createTestDatabase();
  const database: SqlDatabase = pgSqlDatabase({ connectionString: testDatabase.url, max: 8 });
  const sys = await startTestSystem(database, { consistencyTimeoutMs: 2_000, redriveIntervalMs: 50, opsToken: OPS_TOKEN, ...options });
  const attacker = await sys.signUp('mallory');
  const canaryHost = await sys.signUp('carol');
  const canaryGuest = await sys.signUp('dave');

  async function parkedCount(): Promise<number> {
    const { rows } = await database.query<{ n: string }>("select count(*)::text as n from parked_events");
    return Number(rows[0]?.n ?? 0);
  }

  /** Someone else books with a guest; it must reach the views, the read model and the notifier within the lag target. */
  async function expectOthersStillServed(): Promise<void> {
    const start = new Date(Date.UTC(2031, 0, 1 + Math.floor(Math.random() * 300), 9)).toISOString();
    const end = new Date(Date.parse(start) + 3_600_000).toISOString();
    const booked = await sys.http().post('/events').set(canaryHost.auth).send({ title: 'canary', startTime: start, endTime: end, invitedUserIDs: [canaryGuest.userID] });
    expect(booked.status).toBe(201);
    const eventID: string = booked.body.eventID;
    const lag = (what: string) => ({ timeoutMs: LAG_TARGET_MS, pollMs: 10, what });
    await pollUntil(async () => {
      const view = await sys.http().get('/events').query({ from: start, to: end }).set(canaryGuest.auth);
      return view.status === 200 && view.body.events.some((e: { eventID: string }) => e.eventID === eventID);
    }, lag('the canary booking in the guest’s view'));
    await pollUntil(async () => (await sys.http().get(`/events/${eventID}`).set(canaryGuest.auth)).status === 200, lag('the canary booking in the read model'));
    await pollUntil(async () => {
      const sent = await sys.http().get(`/events/${eventID}/notifications`).set(canaryHost.auth);
      return sent.status === 200 && sent.body.notifications.some((n: { kind: string; recipient?: string }) => /invit/i.test(n.kind));
    }, lag('the canary invitation in the notifier'));
  }

  /**
   * Runs one hostile request and asserts the whole class of guarantees: the answer is the expected
   * problem, nothing was appended or parked, the event loop never stalled, and others are still served.
   */
  async function expectRefused(send: () => Promise<Response>, expected: { status: number; code?: string; path?: string }): Promise<Response> {
    const appendedBefore = await sys.eventCount();
    const parkedBefore = await parkedCount();
    const { result: res, blockedMs } = await longestLoopBlock(send);
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: expected.status, code: expected.code ?? res.body?.code });
    if (expected.path !== undefined) expect(res.body.errors?.map((e: { path: string }) => e.path)).toContain(expected.path);
    expect(await sys.eventCount()).toBe(appendedBefore);
    expect(await parkedCount()).toBe(parkedBefore);
    expect(blockedMs).toBeLessThan(MAX_LOOP_BLOCK_MS);
    await expectOthersStillServed();
    return res;
  }

  return {
    sys, database, attacker, canaryHost, canaryGuest, parkedCount, expectRefused, expectOthersStillServed,
    async stop() {
      await sys.stop();
      await database.close();
      await testDatabase.drop();
    },
  };
}

export type HostileTarget = Awaited<ReturnType<typeof startHostileTarget>>;
export type { User };
