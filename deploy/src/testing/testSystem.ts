import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emlFileMailTransport } from '@datebook/notifier';
import { jwtTokenService } from '@datebook/shared-kernel/http';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import pino from 'pino';
import request from 'supertest';
import { singleProcessSystem } from '../singleProcessSystem';

export type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

/** The single-process system on a given database, with helpers for driving its HTTP API. */
export async function startTestSystem(database: SqlDatabase, options: { consistencyTimeoutMs?: number; secret?: string } = {}) {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const tokens = jwtTokenService(secret, 3600);
  const logger = pino({ level: 'silent' });
  const mailDir = mkdtempSync(join(tmpdir(), 'datebook-mail-'));
  const system = await singleProcessSystem({ database, tokens, logger, mailer: emlFileMailTransport(mailDir, logger), ...options });
  const http = () => request(system.app);

  async function signUp(name: string) {
    const email = `${name}.${randomBytes(4).toString('hex')}@example.com`;
    const created = await http().post('/users').send({ userName: name, email, password: 'a good password' });
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${JSON.stringify(created.body)}`);
    const session = await http().post('/sessions').send({ email, password: 'a good password' });
    const token: string = session.body.token;
    return { userID: created.body.userID as string, email, token, auth: { Authorization: `Bearer ${token}` } };
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
