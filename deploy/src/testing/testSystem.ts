import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emlFileMailTransport } from '@datebook/notifier';
import { jwtTokenService } from '@datebook/shared-kernel/http';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import pino from 'pino';
import request from 'supertest';
import { singleProcessSystem, type SingleProcessSystemOptions } from '../singleProcessSystem';
import { linkTokenMailedTo } from './accountMail';

/** The password every test user signs up with: long enough and not a common one (NIST SP 800-63B §5.1.1.2). */
export const TEST_PASSWORD = 'a good password';

export type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

/** The single-process system on a given database, with helpers for driving its HTTP API. */
export async function startTestSystem(database: SqlDatabase, options: { consistencyTimeoutMs?: number; secret?: string; redriveIntervalMs?: number; opsToken?: string; inboundMail?: SingleProcessSystemOptions['inboundMail']; subscriptions?: SingleProcessSystemOptions['subscriptions'] } = {}) {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const clock = () => new Date();
  const tokens = jwtTokenService(secret, 3600, clock);
  const logger = pino({ level: 'silent' });
  const mailDir = mkdtempSync(join(tmpdir(), 'datebook-mail-'));
  const system = await singleProcessSystem({ database, tokens, clock, logger, mailer: emlFileMailTransport(mailDir, logger), ...options });
  const http = () => request(system.app);

  /**
   * Signs a person up as a person would: sign-up, the verification link from the mail the notifier
   * wrote, then sign-in (sign-up answers alike for new and taken addresses, so the user id comes from
   * the session). `verify: false` leaves the address unverified (the notifier then mails them nothing
   * but account mail).
   */
  async function signUp(name: string, options: { verify?: boolean } = {}) {
    const email = `${name}.${randomBytes(4).toString('hex')}@example.com`;
    const created = await http().post('/users').send({ userName: name, email, password: TEST_PASSWORD });
    if (created.status !== 202) throw new Error(`sign-up failed: ${created.status} ${JSON.stringify(created.body)}`);
    if (options.verify !== false) {
      const link = await linkTokenMailedTo(mailDir, email, '/users/verify-email/');
      const verified = await http().post(`/users/verify-email/${link}`);
      if (verified.status !== 204) throw new Error(`verification failed: ${verified.status} ${JSON.stringify(verified.body)}`);
    }
    const session = await http().post('/sessions').send({ email, password: TEST_PASSWORD });
    if (session.status !== 200) throw new Error(`sign-in failed: ${session.status} ${JSON.stringify(session.body)}`);
    const token: string = session.body.token;
    return { userID: session.body.userID as string, email, token, auth: { Authorization: `Bearer ${token}` } };
  }

  async function eventCount(): Promise<number> {
    const { rows } = await database.query<{ n: string }>('select count(*)::text as n from es_events');
    return Number(rows[0]?.n ?? 0);
  }

  return { ...system, http, signUp, eventCount, tokens, secret, mailDir };
}

/** Registers hooks asserting that no test in the enclosing describe appends anything to the store. */
export function expectNothingAppended(system: () => TestSystem): void {
  let before: number;
  beforeEach(async () => {
    before = await system().eventCount();
  });
  afterEach(async () => {
    expect(await system().eventCount()).toBe(before);
  });
}
