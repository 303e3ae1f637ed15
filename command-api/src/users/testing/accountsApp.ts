import { randomBytes } from 'node:crypto';
import { parseUserEvent, userStreamName, type UserEvent } from '@datebook/shared-kernel';
import { jwtTokenService, serviceApp, sessionRevocations, withRevocations } from '@datebook/shared-kernel/http';
import { postgresEventStore, type SqlDatabase } from '@datebook/shared-kernel/ports';
import pino from 'pino';
import request from 'supertest';
import { commandApi } from '../../app';
import type { SignInThrottle } from '../signInThrottle';

/**
 * The command API alone on a database (PGlite or PostgreSQL), with the accounts' HTTP routes, a clock
 * tests can move forward, and what the notifier would mail: the link tokens of the User stream's
 * requests, minted as the notifier mints them.
 */
export async function startAccountsApp(database: SqlDatabase, options: { throttle?: SignInThrottle } = {}) {
  const store = await postgresEventStore(database);
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const revocations = sessionRevocations(store, { clock });
  const tokens = withRevocations(jwtTokenService(randomBytes(32).toString('base64url'), 3600, clock), revocations);
  const backgroundErrors: unknown[] = [];
  const api = commandApi({
    store, tokens, revocations, clock, logger: pino({ level: 'silent' }), busy: async () => new Map(),
    ...(options.throttle ? { throttle: options.throttle } : {}),
    onBackgroundError: (error) => backgroundErrors.push(error),
  });
  const app = serviceApp({ logger: pino({ level: 'silent' }), routers: [api.router], jsonRoutes: api.jsonRoutes, routeDocs: api.routeDocs, tokens, ready: async () => undefined });
  const http = () => request(app);

  async function userEvents(userID: string): Promise<UserEvent[]> {
    const { events } = await store.readStream(userStreamName(userID));
    return events.map((e) => parseUserEvent(e)).filter((e): e is UserEvent => e !== undefined);
  }

  /** The link token of the last request of `type` on the user's stream, as the notifier would mail it. */
  async function mailedLink(userID: string, purpose: 'verify-email' | 'password-reset'): Promise<string> {
    const type = purpose === 'verify-email' ? 'EmailVerificationRequested' : 'PasswordResetRequested';
    const request = (await userEvents(userID)).filter((e) => e.type === type).at(-1);
    if (!request) throw new Error(`no ${type} for ${userID}`);
    const data = request.data as { requestID?: string; resetID?: string; expiresAt: string };
    return tokens.issueLink(purpose, { userID, requestID: (data.requestID ?? data.resetID) as string }, new Date(data.expiresAt));
  }

  async function signUp(email: string, password: string, userName = 'Ann') {
    const created = await http().post('/users').send({ userName, email, password });
    if (created.status !== 202) throw new Error(`sign-up failed: ${created.status} ${JSON.stringify(created.body)}`);
    const session = await http().post('/sessions').send({ email, password });
    if (session.status !== 200) throw new Error(`sign-in failed: ${session.status} ${JSON.stringify(session.body)}`);
    return { userID: session.body.userID as string, token: session.body.token as string, auth: { Authorization: `Bearer ${session.body.token}` } };
  }

  return {
    app, http, store, tokens, revocations, signUp, userEvents, mailedLink, backgroundErrors,
    advance(ms: number) {
      offsetMs += ms;
    },
  };
}

export type AccountsApp = Awaited<ReturnType<typeof startAccountsApp>>;

export const uniqueEmail = (name: string) => `${name}.${randomBytes(4).toString('hex')}@example.com`;
