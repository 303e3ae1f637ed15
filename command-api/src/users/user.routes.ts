import { encodeConsistencyToken, streamName } from '@datebook/shared-kernel';
import { parseInput, type RouteDoc, type TokenService, timeZoneSchema, userIDSchema } from '@datebook/shared-kernel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { UserAccounts } from './userAccounts';

const SignUpBody = z.object({
  userName: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  password: z.string().min(8).max(256),
  timeZone: timeZoneSchema.default('UTC'),
});
const SignInBody = z.object({ email: z.string().max(320), password: z.string().max(256) });
const SignUpResponse = z.object({ userID: userIDSchema, consistencyToken: z.string() });
const SignInResponse = z.object({ token: z.string(), expiresAt: z.string(), userID: userIDSchema });

export const userRouteDocs: RouteDoc[] = [
  { method: 'post', path: '/users', summary: 'Sign up', authenticated: false, body: SignUpBody, responses: { 201: { description: 'Registered', schema: SignUpResponse } } },
  { method: 'post', path: '/sessions', summary: 'Sign in: exchange e-mail and password for a bearer token', authenticated: false, body: SignInBody, responses: { 200: { description: 'Signed in', schema: SignInResponse } } },
];

export function userRoutes(deps: { accounts: UserAccounts; tokens: TokenService; clock: () => Date }): Router {
  const router = Router();

  router.post('/users', async (req, res) => {
    const body = parseInput(SignUpBody, req.body, 'body');
    const { userID, version } = await deps.accounts.register(body, { now: deps.clock(), correlationId: req.correlationId });
    const consistencyToken = encodeConsistencyToken({ streamName: streamName('User', userID), version });
    res.status(201).location(`/users/${userID}`).json({ userID, consistencyToken });
  });

  router.post('/sessions', async (req, res) => {
    const body = parseInput(SignInBody, req.body, 'body');
    const userID = await deps.accounts.signIn(body.email, body.password);
    res.json({ ...deps.tokens.issue(userID, deps.clock()), userID });
  });

  return router;
}
