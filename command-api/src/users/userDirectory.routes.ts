import { DomainError, normaliseEmail, userDecider, userEmailDecider, userEmailStreamName, userStreamName } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, type RouteDoc, requireUser, type TokenService, userIDSchema } from '@datebook/shared-kernel/http';
import type { EventStore } from '@datebook/shared-kernel/ports';
import { Router } from 'express';
import { z } from 'zod';
import { loadStream } from '../commandHandling/handleCommand';
import { DEFAULT_DIRECTORY_LOOKUP_POLICY, type DirectoryLookupLimit, TooManyLookupsError } from './directoryLookupLimit';

// Strict: one exact address and nothing else, so no parameter can turn a lookup into a search or a listing.
const LookupQuery = z.strictObject({
  email: z.email().max(320).describe('The whole address, compared in any case (no prefix, no pattern)'),
});
/** All a lookup tells: whom to share with, by id, and the name to show. */
const DirectoryEntry = z.object({ userID: userIDSchema, userName: z.string() });

const { maxLookups, windowSeconds } = DEFAULT_DIRECTORY_LOOKUP_POLICY;

export const userDirectoryRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/users',
    operationId: 'findUserByEmail',
    summary:
      'Find the person who has confirmed exactly this address, to share with or invite them: their id and name, nothing more. ' +
      `An address nobody has confirmed (no account, or its owner has not followed the verification link yet) is not found. At most ${maxLookups} lookups per ${windowSeconds} s per caller`,
    query: LookupQuery,
    responses: {
      200: { description: 'The person with this address', schema: DirectoryEntry },
      404: { description: 'USER_NOT_FOUND: no account has confirmed this address' },
      429: { description: 'TOO_MANY_ATTEMPTS: too many lookups; try again after Retry-After seconds', headers: ['Retry-After'] },
    },
  },
];

/**
 * The person at an address, read from the event store (UserEmail, then User), so an account is found the moment
 * its address is confirmed. Only a confirmed address counts: anyone can sign up with someone else's address and
 * sign in without confirming it, and sharing with such an account would hand the squatter the real owner's share.
 */
async function entryFor(store: EventStore, email: string): Promise<z.infer<typeof DirectoryEntry> | undefined> {
  const address = (await loadStream(store, userEmailStreamName(email), userEmailDecider)).state;
  if (address.status !== 'claimed') return undefined;
  // A claim that never completed into a registered User is nobody yet; a claim holds for good, so the answer is
  // only the user whose own address this still is.
  const user = (await loadStream(store, userStreamName(address.claim.userID), userDecider)).state;
  if (user.status !== 'registered' || user.email !== normaliseEmail(email) || !user.emailVerified) return undefined;
  return { userID: user.userID, userName: user.userName };
}

export interface UserDirectoryDependencies {
  store: EventStore;
  tokens: TokenService;
  clock: () => Date;
  /** Lookups per caller; in Redis when several command-API processes serve. */
  limit: DirectoryLookupLimit;
}

/** `GET /users?email=`: the one way to find a person, by an exact address, for the signed-in. */
export function userDirectoryRoutes(deps: UserDirectoryDependencies): Router {
  const router = Router();

  router.get('/users', requireUser(deps.tokens), async (req, res) => {
    const caller = authenticatedUser(req);
    const { email } = parseInput(LookupQuery, req.query, 'query');
    try {
      await deps.limit.take(caller, deps.clock());
    } catch (error) {
      // RFC 6585 §4 and RFC 9110 §10.2.3: when to try again.
      if (error instanceof TooManyLookupsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
    const entry = await entryFor(deps.store, email);
    if (!entry) throw new DomainError('USER_NOT_FOUND', 'no account has confirmed this address');
    res.json(entry);
  });

  return router;
}
