import { AddInvitations, DEFAULT_REMINDERS, DomainError, encodeConsistencyToken, ReminderOverride, userStreamName, type UserState } from '@datebook/shared-kernel';
import { authenticatedUser, bearerToken, parseInput, type RouteDoc, requireUser, type TokenService, timeZoneSchema, userIDSchema } from '@datebook/shared-kernel/http';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { clientAddress } from './clientAddress';
import { MAX_PASSWORD_LENGTH } from './passwordPolicy';
import { type SignInThrottle, TooManyAttemptsError } from './signInThrottle';
import type { UserAccounts } from './userAccounts';

// Length and common-password rules are checked by passwordPolicy.ts, so every way of setting a password refuses alike.
const password = z.string().max(MAX_PASSWORD_LENGTH);
const SignUpBody = z.strictObject({
  userName: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  password: password.describe('At least 10 characters, not a commonly used password, not your address or name (NIST SP 800-63B §5.1.1.2)'),
  timeZone: timeZoneSchema.default('UTC'),
});
const SignInBody = z.strictObject({ email: z.string().max(320), password: z.string().max(MAX_PASSWORD_LENGTH) });
const ChangePasswordBody = z.strictObject({ currentPassword: z.string().max(MAX_PASSWORD_LENGTH), newPassword: password });
const ResetRequestBody = z.strictObject({ email: z.email().max(320) });
const ResetBody = z.strictObject({ newPassword: password });
const LinkParams = z.object({ token: z.string().min(1).max(2048) });
const wallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM');
const SettingsBody = z.strictObject({
  timeZone: timeZoneSchema.optional().describe('Preferred zone: views and working hours use it'),
  defaultReminders: z.array(ReminderOverride).max(5).optional().describe('Reminders for events that name none of yours'),
  workingHours: z
    .array(z.strictObject({ day: z.number().int().min(1).max(7).describe('ISO weekday, 1 = Monday'), start: wallTime, end: wallTime }))
    .max(14)
    .optional()
    .describe('Local wall times in your zone; suggestions keep to them'),
  addInvitations: AddInvitations.optional().describe(
    'Which invitations go into your calendar before you answer (Google\'s setting): everyone (default), knownSenders (people whose invitation you answered or whom you invited), whenResponded',
  ),
});
/** The same answer for a new address and a taken one (OWASP Authentication Cheat Sheet, "account creation"): sign in for your user id. */
const SignUpResponse = z.object({ status: z.literal('verification_sent'), detail: z.string() });
const SignInResponse = z.object({ token: z.string(), expiresAt: z.string(), userID: userIDSchema });
const Profile = z.object({
  userID: userIDSchema, userName: z.string(), email: z.string(), emailVerified: z.boolean(), timeZone: z.string(),
  defaultReminders: z.array(ReminderOverride), workingHours: z.array(z.object({ day: z.number(), start: z.string(), end: z.string() })).nullable(),
  addInvitations: AddInvitations,
});
const TooMany: RouteDoc['responses'] = { 429: { description: 'Too many failed attempts: TOO_MANY_ATTEMPTS, with Retry-After', headers: ['Retry-After'] } };

export const userRouteDocs: RouteDoc[] = [
  { method: 'post', path: '/users', operationId: 'signUp', summary: 'Sign up: the same answer whether or not the address has an account; a verification link is mailed', authenticated: false, body: SignUpBody, responses: { 202: { description: 'Check your e-mail', schema: SignUpResponse } } },
  { method: 'post', path: '/sessions', operationId: 'signIn', summary: 'Sign in: exchange e-mail and password for a bearer token', authenticated: false, body: SignInBody, responses: { 200: { description: 'Signed in', schema: SignInResponse }, 401: { description: 'INVALID_CREDENTIALS: wrong e-mail address or password' }, ...TooMany } },
  { method: 'delete', path: '/sessions/current', operationId: 'signOut', summary: 'Sign out: revoke this session', responses: { 204: { description: 'Signed out' } } },
  { method: 'delete', path: '/sessions', operationId: 'signOutEverywhere', summary: 'Sign out everywhere: revoke every session of yours, this one too', responses: { 204: { description: 'Every session revoked' } } },
  { method: 'get', path: '/users/me', operationId: 'getProfile', summary: 'Your profile and settings', responses: { 200: { description: 'Profile', schema: Profile } } },
  { method: 'patch', path: '/users/me', operationId: 'changeSettings', summary: 'Change your time zone, default reminders or working hours', body: SettingsBody, responses: { 200: { description: 'Profile', schema: Profile, headers: ['X-Consistency-Token'] } } },
  { method: 'post', path: '/users/me/password', operationId: 'changePassword', summary: 'Change your password; every other session is revoked', body: ChangePasswordBody, responses: { 204: { description: 'Changed' }, 403: { description: 'WRONG_PASSWORD: currentPassword is not your password' }, ...TooMany } },
  { method: 'post', path: '/users/me/email-verification', operationId: 'resendEmailVerification', summary: 'Mail a new verification link (at most one a minute)', responses: { 202: { description: 'A link is on its way unless the address is verified' } } },
  { method: 'post', path: '/users/verify-email/{token}', operationId: 'verifyEmail', summary: 'Confirm your address with the token of the verification link', authenticated: false, responses: { 204: { description: 'Verified' }, 400: { description: 'INVALID_LINK: forged, expired or used' } } },
  { method: 'post', path: '/password-resets', operationId: 'requestPasswordReset', summary: 'Mail a password-reset link (good for 1 h) if the address has an account; the same answer either way', authenticated: false, body: ResetRequestBody, responses: { 202: { description: 'A link is on its way if the address has an account' }, ...TooMany } },
  { method: 'post', path: '/password-resets/{token}', operationId: 'resetPassword', summary: 'Set a new password with the token of a reset link; every session is revoked', authenticated: false, body: ResetBody, responses: { 204: { description: 'Changed' }, 400: { description: 'INVALID_LINK: forged, expired or used' } } },
];

function profile(state: UserState) {
  if (state.status !== 'registered') throw new DomainError('UNAUTHENTICATED', 'this account does not exist');
  return {
    userID: state.userID, userName: state.userName, email: state.email, emailVerified: state.emailVerified, timeZone: state.timeZone,
    defaultReminders: state.defaultReminders ?? DEFAULT_REMINDERS, workingHours: state.workingHours ?? null, addInvitations: state.addInvitations ?? 'everyone',
  };
}

export interface UserRouteDependencies {
  accounts: UserAccounts;
  tokens: TokenService;
  clock: () => Date;
  throttle: SignInThrottle;
  /** Take the client's address from the last X-Forwarded-For entry (behind the gateway), not from the socket. */
  trustForwardedFor: boolean;
  /** Where unexpected failures of work done after answering are logged. */
  onBackgroundError?: (error: unknown) => void;
}

export function userRoutes(deps: UserRouteDependencies): Router {
  const router = Router();
  const context = (req: Request) => ({ now: deps.clock(), correlationId: req.correlationId });

  /** Runs an attempt under the per-account and per-client limits; a wrong password counts against both. */
  async function throttled<T>(req: Request, res: Response, account: string, attempt: () => Promise<T>): Promise<T> {
    const client = clientAddress(req, deps.trustForwardedFor);
    try {
      await deps.throttle.check(account, client);
      const result = await attempt();
      await deps.throttle.succeeded(account);
      return result;
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'INVALID_CREDENTIALS' || error.code === 'WRONG_PASSWORD')) await deps.throttle.failed(account, client);
      // RFC 9110 §10.2.3 (and RFC 6585 §4 for 429): when to try again.
      if (error instanceof TooManyAttemptsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }

  router.post('/users', async (req, res) => {
    const body = parseInput(SignUpBody, req.body, 'body');
    // Registered or taken, the answer is the same (the owner of a taken address is mailed instead).
    await deps.accounts.register(body, context(req));
    res.status(202).json({ status: 'verification_sent', detail: 'check your e-mail to confirm your address, then sign in' });
  });

  router.post('/sessions', async (req, res) => {
    const body = parseInput(SignInBody, req.body, 'body');
    const { userID, generation } = await throttled(req, res, body.email, () => deps.accounts.signIn(body.email, body.password));
    const { token, expiresAt } = deps.tokens.issue(userID, deps.clock(), { generation });
    res.json({ token, expiresAt, userID });
  });

  router.delete('/sessions/current', requireUser(deps.tokens), async (req, res) => {
    const session = deps.tokens.session(bearerToken(req.headers.authorization));
    await deps.accounts.signOut(authenticatedUser(req), session.sessionID, context(req));
    res.status(204).end();
  });

  router.delete('/sessions', requireUser(deps.tokens), async (req, res) => {
    await deps.accounts.revokeAllSessions(authenticatedUser(req), context(req));
    res.status(204).end();
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
    const result = await deps.accounts.changeSettings(userID, change, context(req));
    res.setHeader('X-Consistency-Token', encodeConsistencyToken({ streamName: userStreamName(userID), version: result.version ?? 0 }));
    res.json(profile(result.state));
  });

  router.post('/users/me/password', requireUser(deps.tokens), async (req, res) => {
    const userID = authenticatedUser(req);
    const body = parseInput(ChangePasswordBody, req.body, 'body');
    const session = deps.tokens.session(bearerToken(req.headers.authorization));
    // A stolen session must not become a way to guess the password: the same limits as sign-in.
    const account = await deps.accounts.emailOf(userID);
    await throttled(req, res, account, () => deps.accounts.changePassword(userID, session.sessionID, body, context(req)));
    res.status(204).end();
  });

  router.post('/users/me/email-verification', requireUser(deps.tokens), async (req, res) => {
    await deps.accounts.requestEmailVerification(authenticatedUser(req), context(req));
    res.status(202).json({ status: 'verification_sent' });
  });

  router.post('/users/verify-email/:token', async (req, res) => {
    const { token } = parseInput(LinkParams, req.params, 'params');
    const now = deps.clock();
    await deps.accounts.verifyEmail(deps.tokens.verifyLink('verify-email', token, now), { now, correlationId: req.correlationId });
    res.status(204).end();
  });

  router.post('/password-resets', async (req, res) => {
    const body = parseInput(ResetRequestBody, req.body, 'body');
    // Each request counts against the client address like a failed sign-in: the mail it may cause is a cost to someone.
    // The account's own sign-in block does not apply: a reset is how its owner gets back in.
    try {
      await deps.throttle.countClient(clientAddress(req, deps.trustForwardedFor));
    } catch (error) {
      if (error instanceof TooManyAttemptsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
    // Answered before anything is looked up, so the answer and its timing are the same whether or not the address has an account.
    res.status(202).json({ status: 'reset_link_sent_if_registered', detail: 'if this address has an account, a link to set a new password is on its way; it is good for one hour' });
    deps.accounts.requestPasswordReset(body.email, context(req)).catch((error: unknown) => deps.onBackgroundError?.(error));
  });

  router.post('/password-resets/:token', async (req, res) => {
    const { token } = parseInput(LinkParams, req.params, 'params');
    const body = parseInput(ResetBody, req.body, 'body');
    const now = deps.clock();
    await deps.accounts.resetPassword(deps.tokens.verifyLink('password-reset', token, now), body.newPassword, { now, correlationId: req.correlationId });
    res.status(204).end();
  });

  return router;
}
