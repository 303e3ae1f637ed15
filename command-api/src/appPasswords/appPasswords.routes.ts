import { randomUUID } from 'node:crypto';
import { DomainError, MAX_APP_PASSWORDS, userDecider, userStreamName } from '@datebook/shared-kernel';
import { appPasswordSha256, authenticatedUser, parseInput, requireSession, requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { handleCommand, loadStream } from '../commandHandling/handleCommand';
import { newAppPasswordSecret } from './appPasswordSecret';

const CreateAppPasswordBody = z.strictObject({
  name: z.string().trim().min(1).max(100).describe('What it is for, e.g. "Thunderbird on my laptop"'),
});
const AppPasswordItem = z.object({ id: z.uuid(), name: z.string(), createdAt: z.string() });
const CreatedAppPassword = AppPasswordItem.extend({
  password: z.string().describe('Shown this once: type it into the calendar app with your e-mail address as the user name'),
});

const sessionOnly = { 403: { description: 'FORBIDDEN: app passwords are managed with a session (bearer token), never with an app password' } };
export const appPasswordRouteDocs: RouteDoc[] = [
  {
    method: 'post', path: '/users/me/app-passwords', operationId: 'createAppPassword',
    summary: 'A password for one calendar app (HTTP Basic with your e-mail address), shown once; it signs in to calendars, never to your account settings',
    body: CreateAppPasswordBody,
    responses: { 201: { description: 'Created; the password is in this answer only', schema: CreatedAppPassword }, ...sessionOnly, 409: { description: `TOO_MANY_APP_PASSWORDS: at most ${MAX_APP_PASSWORDS}` } },
  },
  {
    method: 'get', path: '/users/me/app-passwords', operationId: 'listAppPasswords', summary: 'Your app passwords (names and dates; never the passwords)',
    responses: { 200: { description: 'Oldest first', schema: z.object({ items: z.array(AppPasswordItem) }) }, ...sessionOnly },
  },
  {
    method: 'delete', path: '/users/me/app-passwords/{appPasswordID}', operationId: 'revokeAppPassword',
    summary: 'Revoke an app password: it stops working at once here and within 5 s everywhere',
    responses: { 204: { description: 'Revoked' }, ...sessionOnly, 404: { description: 'APP_PASSWORD_NOT_FOUND' } },
  },
];

const notFound = () => new DomainError('APP_PASSWORD_NOT_FOUND', 'no such app password');

/** POST, GET and DELETE /users/me/app-passwords, on the person's User stream (AppPasswordCreated / AppPasswordRevoked). */
export function appPasswordRoutes(deps: { store: EventStore; tokens: TokenService; clock: () => Date }): Router {
  const router = Router();
  const path = '/users/me/app-passwords';
  router.use(path, requireUser(deps.tokens), (req, _res, next) => {
    requireSession(req);
    next();
  });

  const run = (req: Request, userID: string, command: Parameters<typeof userDecider.decide>[0]) =>
    handleCommand(deps.store, userStreamName(userID), userDecider, command, { actorID: userID, now: deps.clock(), correlationId: req.correlationId });

  router.post(path, async (req, res) => {
    const userID = authenticatedUser(req);
    const { name } = parseInput(CreateAppPasswordBody, req.body, 'body');
    const password = newAppPasswordSecret();
    const appPasswordID = randomUUID();
    const createdAt = deps.clock().toISOString();
    await run(req, userID, { type: 'CreateAppPassword', data: { userID, appPasswordID, name, passwordSha256: appPasswordSha256(password), now: createdAt } });
    // It works here at once (elsewhere a failed check reads the store again before it counts).
    deps.tokens.appPasswords?.forget(userID);
    // The one answer that holds the secret: no cache may keep it (RFC 9111 §5.2.2.5).
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).location(`${path}/${appPasswordID}`).json({ id: appPasswordID, name, password, createdAt });
  });

  router.get(path, async (req, res) => {
    const { state } = await loadStream(deps.store, userStreamName(authenticatedUser(req)), userDecider);
    const items = state.status === 'registered'
      ? Object.entries(state.appPasswords).map(([id, p]) => ({ id, name: p.name, createdAt: p.createdAt })).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      : [];
    res.json({ items });
  });

  router.delete(`${path}/:appPasswordID`, async (req, res) => {
    const userID = authenticatedUser(req);
    const parsed = z.uuid().safeParse(req.params.appPasswordID);
    // An id that cannot be one is as unknown as one that is not yours.
    if (!parsed.success) throw notFound();
    await run(req, userID, { type: 'RevokeAppPassword', data: { userID, appPasswordID: parsed.data.toLowerCase() } });
    // Revoked here at once; other processes within APP_PASSWORD_CACHE_MS.
    deps.tokens.appPasswords?.forget(userID);
    res.status(204).end();
  });

  return router;
}
