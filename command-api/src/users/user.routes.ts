import { DEFAULT_REMINDERS, DomainError, encodeConsistencyToken, ReminderOverride, streamName } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc, requireUser, type TokenService, timeZoneSchema, userIDSchema } from '@datebook/shared-kernel/http';
import { Router } from 'express';
import { z } from 'zod';
import type { UserState } from './user';
import type { UserAccounts } from './userAccounts';

const SignUpBody = z.object({
  userName: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  password: z.string().min(8).max(256),
  timeZone: timeZoneSchema.default('UTC'),
});
const SignInBody = z.object({ email: z.string().max(320), password: z.string().max(256) });
const wallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM');
const SettingsBody = z.object({
  timeZone: timeZoneSchema.optional().describe('Preferred zone: views and working hours use it'),
  defaultReminders: z.array(ReminderOverride).max(5).optional().describe('Reminders for events that name none of yours'),
  workingHours: z
    .array(z.object({ day: z.number().int().min(1).max(7).describe('ISO weekday, 1 = Monday'), start: wallTime, end: wallTime }))
    .max(14)
    .optional()
    .describe('Local wall times in your zone; suggestions keep to them'),
});
const SignUpResponse = z.object({ userID: userIDSchema, consistencyToken: z.string() });
const SignInResponse = z.object({ token: z.string(), expiresAt: z.string(), userID: userIDSchema });
const Profile = z.object({
  userID: userIDSchema, userName: z.string(), email: z.string(), timeZone: z.string(),
  defaultReminders: z.array(ReminderOverride), workingHours: z.array(z.object({ day: z.number(), start: z.string(), end: z.string() })).nullable(),
});

export const userRouteDocs: RouteDoc[] = [
  { method: 'post', path: '/users', summary: 'Sign up', authenticated: false, body: SignUpBody, responses: { 201: { description: 'Registered', schema: SignUpResponse } } },
  { method: 'post', path: '/sessions', summary: 'Sign in: exchange e-mail and password for a bearer token', authenticated: false, body: SignInBody, responses: { 200: { description: 'Signed in', schema: SignInResponse } } },
  { method: 'get', path: '/users/me', summary: 'Your profile and settings', responses: { 200: { description: 'Profile', schema: Profile } } },
  { method: 'patch', path: '/users/me', summary: 'Change your time zone, default reminders or working hours', body: SettingsBody, responses: { 200: { description: 'Profile', schema: Profile } } },
];

function profile(state: UserState) {
  if (state.status !== 'registered') throw new DomainError('UNAUTHENTICATED', 'this account does not exist');
  return {
    userID: state.userID, userName: state.userName, email: state.email, timeZone: state.timeZone,
    defaultReminders: state.defaultReminders ?? DEFAULT_REMINDERS, workingHours: state.workingHours ?? null,
  };
}

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

  router.get('/users/me', requireUser(deps.tokens), async (req, res) => {
    res.json(profile(await deps.accounts.readUser(authenticatedUser(req))));
  });

  router.patch('/users/me', requireUser(deps.tokens), async (req, res) => {
    const userID = authenticatedUser(req);
    const change = parseInput(SettingsBody, req.body, 'body');
    for (const [i, hours] of (change.workingHours ?? []).entries()) {
      if (hours.end <= hours.start) throw new DomainError('INVALID_TIME_RANGE', 'working hours must end after they start', [{ path: `workingHours.${i}.end`, message: 'must be after start' }]);
    }
    const result = await deps.accounts.changeSettings(userID, change, { now: deps.clock(), correlationId: req.correlationId });
    res.setHeader('X-Consistency-Token', encodeConsistencyToken({ streamName: streamName('User', userID), version: result.version ?? 0 }));
    res.json(profile(result.state));
  });

  return router;
}
