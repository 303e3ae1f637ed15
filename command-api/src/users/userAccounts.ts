import { randomUUID } from 'node:crypto';
import {
  DomainError,
  invalidLink,
  type EmailClaim,
  normaliseEmail,
  RESET_LINK_MS,
  type UserCommand,
  userDecider,
  type UserEmailCommand,
  userEmailDecider,
  userEmailStreamName,
  type UserState,
  userStreamName,
  VERIFICATION_LINK_MS,
} from '@datebook/shared-kernel';
import type { LinkClaims } from '@datebook/shared-kernel/http';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { handleCommand, loadStream } from '../commandHandling/handleCommand';
import { knownUserIDs } from './knownUsers';
import { hashPassword, verifyPassword } from './passwordHash';
import { assertAcceptablePassword } from './passwordPolicy';

export type SettingsChange = Omit<Extract<UserCommand, { type: 'ChangeSettings' }>['data'], 'userID'>;

export interface Registration {
  userName: string;
  email: string;
  password: string;
  timeZone: string;
}

export interface RequestContext {
  now: Date;
  correlationId: string;
}

/** Told of every revocation this process appends, so it takes effect here at once (see `sessionRevocations`). */
export interface RevocationListener {
  forget(userID: string): void;
}

type Registered = Extract<UserState, { status: 'registered' }>;

/** Sign-up, sign-in, passwords, sessions and address verification, on the User and UserEmail streams (strongly consistent). */
export function userAccounts(store: EventStore, options: { revocations?: RevocationListener } = {}) {
  async function readUser(userID: string): Promise<UserState> {
    return (await loadStream(store, userStreamName(userID), userDecider)).state;
  }

  async function claimOf(email: string): Promise<EmailClaim | undefined> {
    const { state } = await loadStream(store, userEmailStreamName(email), userEmailDecider);
    return state.status === 'claimed' ? state.claim : undefined;
  }

  async function registeredUser(userID: string): Promise<Registered> {
    const state = await readUser(userID);
    if (state.status !== 'registered') throw new DomainError('UNAUTHENTICATED', 'this account does not exist');
    return state;
  }

  const run = (userID: string, command: UserCommand, context: RequestContext, actorID = userID) =>
    handleCommand(store, userStreamName(userID), userDecider, command, { actorID, ...context });

  const verification = (now: Date) => ({ requestID: randomUUID(), requestedAt: now.toISOString(), expiresAt: new Date(now.getTime() + VERIFICATION_LINK_MS).toISOString() });

  // Verifying against a throw-away hash keeps sign-in time the same whether or not the address exists.
  const decoyHash = hashPassword(randomUUID());

  const knownUsers = knownUserIDs();

  return {
    readUser,

    /**
     * Registers a new address, or tells the owner of a taken one that someone tried: both take the same
     * work (the password is hashed first either way) and the caller answers both alike, so sign-up
     * reveals nothing about who has an account. The UserEmail stream can be created once only, and the
     * claim carries the registration, so of two sign-ups racing for one address exactly one registers,
     * with its own password; a registration interrupted after the claim is completed from the claim.
     */
    async register(input: Registration, context: RequestContext): Promise<{ outcome: 'registered' | 'taken'; userID: string }> {
      const email = normaliseEmail(input.email);
      assertAcceptablePassword(input.password, { email, userName: input.userName });
      const registration = { userName: input.userName, passwordHash: await hashPassword(input.password), timeZone: input.timeZone };
      const userID = randomUUID();
      const claim: UserEmailCommand = { type: 'ClaimEmail', data: { email, userID, registration } };
      const { state } = await handleCommand(store, userEmailStreamName(email), userEmailDecider, claim, { actorID: userID, ...context });
      if (state.status === 'claimed' && state.claim.userID !== userID) return { outcome: 'taken', userID: await tellOwner(email, state.claim, input, context) };
      await run(userID, { type: 'RegisterUser', data: { userID, email, ...registration, verification: verification(context.now) } }, context);
      return { outcome: 'registered', userID };
    },

    async changeSettings(userID: string, change: SettingsChange, context: RequestContext) {
      return run(userID, { type: 'ChangeSettings', data: { userID, ...change } }, context);
    },

    /** The user and the session generation a new token belongs to; INVALID_CREDENTIALS for a wrong address or password alike. */
    async signIn(email: string, password: string): Promise<{ userID: string; generation: number }> {
      const owner = (await claimOf(normaliseEmail(email)))?.userID;
      const user = owner === undefined ? undefined : await readUser(owner);
      const ok = await verifyPassword(password, user?.status === 'registered' ? user.passwordHash : await decoyHash);
      if (!ok || user?.status !== 'registered') throw new DomainError('INVALID_CREDENTIALS', 'wrong e-mail address or password');
      return { userID: user.userID, generation: user.sessions.generation };
    },

    /** The account's address, for per-account limits of password checks made with a session. */
    async emailOf(userID: string): Promise<string> {
      return (await registeredUser(userID)).email;
    },

    /** A new password given the current one; every other session is revoked, the one asking stays signed in. */
    async changePassword(userID: string, sessionID: string, change: { currentPassword: string; newPassword: string }, context: RequestContext): Promise<void> {
      const user = await registeredUser(userID);
      if (!(await verifyPassword(change.currentPassword, user.passwordHash))) {
        throw new DomainError('WRONG_PASSWORD', 'the current password is not right', [{ path: 'currentPassword', message: 'is not your current password' }]);
      }
      assertAcceptablePassword(change.newPassword, user, 'newPassword');
      await run(userID, { type: 'ChangePassword', data: { userID, passwordHash: await hashPassword(change.newPassword), keepSessionID: sessionID } }, context);
      options.revocations?.forget(userID);
    },

    /** Records a reset request for the address's owner, if there is one (the notifier mails the link); nothing otherwise. */
    async requestPasswordReset(email: string, context: RequestContext): Promise<void> {
      const owner = (await claimOf(normaliseEmail(email)))?.userID;
      if (owner === undefined || (await readUser(owner)).status !== 'registered') return;
      const expiresAt = new Date(context.now.getTime() + RESET_LINK_MS).toISOString();
      await run(owner, { type: 'RequestPasswordReset', data: { userID: owner, resetID: randomUUID(), expiresAt, now: context.now.toISOString() } }, context);
    },

    /** A new password through a reset link; every session is revoked. INVALID_LINK for a used, replaced or expired link. */
    async resetPassword(link: LinkClaims, newPassword: string, context: RequestContext): Promise<void> {
      const user = await readUser(link.userID);
      if (user.status !== 'registered') throw invalidLink('the link is not valid');
      assertAcceptablePassword(newPassword, user, 'newPassword');
      const command: UserCommand = { type: 'ResetPassword', data: { userID: link.userID, resetID: link.requestID, passwordHash: await hashPassword(newPassword), now: context.now.toISOString() } };
      await run(link.userID, command, context);
      options.revocations?.forget(link.userID);
    },

    async verifyEmail(link: LinkClaims, context: RequestContext): Promise<void> {
      if ((await readUser(link.userID)).status !== 'registered') throw invalidLink('the link is not valid');
      await run(link.userID, { type: 'VerifyEmail', data: { userID: link.userID, requestID: link.requestID, now: context.now.toISOString() } }, context);
    },

    /** Sends a new verification link (at most one a minute); nothing once the address is verified. */
    async requestEmailVerification(userID: string, context: RequestContext): Promise<void> {
      const { requestID, expiresAt } = verification(context.now);
      await run(userID, { type: 'RequestEmailVerification', data: { userID, requestID, expiresAt, now: context.now.toISOString() } }, context);
    },

    async signOut(userID: string, sessionID: string, context: RequestContext): Promise<void> {
      await run(userID, { type: 'SignOut', data: { userID, sessionID } }, context);
      options.revocations?.forget(userID);
    },

    async revokeAllSessions(userID: string, context: RequestContext): Promise<void> {
      await run(userID, { type: 'RevokeAllSessions', data: { userID } }, context);
      options.revocations?.forget(userID);
    },

    /**
     * The ids among `userIDs` that belong to nobody. A User stream is never deleted, so an id once seen to have
     * one is known for good and not read again; the others are read together, in one round trip.
     */
    async unknownUsers(userIDs: string[]): Promise<string[]> {
      const unread = [...new Set(userIDs)].filter((id) => !knownUsers.has(id));
      if (unread.length === 0) return [];
      const reads = await store.readStreams(unread.map((id) => ({ streamName: userStreamName(id) })));
      const unknown: string[] = [];
      unread.forEach((id, index) => {
        if (reads[index]?.currentVersion == null) unknown.push(id);
        else knownUsers.add(id);
      });
      return unknown;
    },
  };

  /**
   * The address is claimed: completes the claimant's registration if it was interrupted (with the
   * claim's own data, so this caller's password never wins) and records the attempt on the owner's
   * stream, which the notifier turns into a "someone tried to sign up with your address" mail.
   */
  async function tellOwner(email: string, claim: EmailClaim, input: Registration, context: RequestContext): Promise<string> {
    const owner = claim.userID;
    if ((await readUser(owner)).status === 'absent') {
      // Claims from before the claim carried the registration are completed as they always were.
      const registration = claim.registration ?? { userName: input.userName, passwordHash: await hashPassword(input.password), timeZone: input.timeZone };
      await run(owner, { type: 'RegisterUser', data: { userID: owner, email, ...registration, verification: verification(context.now) } }, context);
    }
    await run(owner, { type: 'RecordSignUpAttempt', data: { userID: owner, now: context.now.toISOString() } }, context);
    return owner;
  }
}

export type UserAccounts = ReturnType<typeof userAccounts>;
