import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppPasswords } from '../aggregates/user/appPasswords';
import { userDecider, userStreamName } from '../aggregates/user/decider';
import { normaliseEmail, userEmailDecider, userEmailStreamName } from '../aggregates/userEmail/decider';
import { caughtUpFold } from '../calendars/caughtUpFolds';
import { DomainError } from '../errors/domainError';
import type { EventStore } from '../ports/eventStore/eventStore';
import { type ClientRequest, requestClientAddress } from './clientAddress';
import type { CredentialThrottle } from './credentialThrottle';

/** The protection space of every challenge (RFC 9110 §11.5; RFC 7617 §2 for Basic). */
export const AUTH_REALM = 'Datebook';

/** How long a user's app passwords are trusted from memory: the bound on how late another process honours a revocation. */
export const APP_PASSWORD_CACHE_MS = 5_000;
const MAX_CACHED_USERS = 50_000;
const MAX_CACHED_SIGN_INS = 100_000;

/** What an `Authorization: Basic` header says (RFC 7617 §2): the user-id (here an e-mail address) and the password. */
export interface BasicCredentials {
  userID: string;
  password: string;
}

/** The credentials of an `Authorization: Basic <base64(user-id:password)>` header; undefined for any other scheme. Throws UNAUTHENTICATED when malformed. */
export function basicCredentials(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic(?:\s+(\S*))?\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const encoded = match[1] ?? '';
  // RFC 7617 §2: token68 in base64 (RFC 4648 §4); the user-id cannot contain a colon, the password may.
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Basic base64(<e-mail address>:<app password>)');
  return { userID: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * An app password in its normal form: lower case, without the separators it is shown with (`abcd-efgh-…`), so
 * it works typed with spaces, dashes or none, in any case (as Google's and Apple's app passwords do).
 */
export const normaliseAppPassword = (password: string): string => password.replace(/[\s-]/g, '').toLowerCase();

/** What is kept of an app password: the SHA-256 of its normal form, hexadecimal (see AppPasswordCreated). */
export const appPasswordSha256 = (password: string): string => createHash('sha256').update(normaliseAppPassword(password), 'utf8').digest('hex');

/** Who an app password signed in. */
export interface AppPasswordSignIn {
  userID: string;
  appPasswordID: string;
}

/** Checks HTTP Basic credentials against app passwords; never against the account password. */
export interface AppPasswordVerifier {
  /** Throws UNAUTHENTICATED for wrong credentials and TOO_MANY_ATTEMPTS while the account or client is blocked. */
  verify(credentials: BasicCredentials, req: ClientRequest): Promise<AppPasswordSignIn>;
  /** Forgets what is known of a user, so the next check reads the store: the process that revoked calls it, which makes its revocation immediate there. */
  forget(userID: string): void;
}

export interface AppPasswordVerifierOptions {
  clock: () => Date;
  /** The sign-in limits, applied per account (`app-password:<address>`) and per client address. */
  throttle?: CredentialThrottle;
  /** Behind the gateway: the client address is the last X-Forwarded-For entry. */
  trustForwardedFor?: boolean;
  maxAgeMs?: number;
}

interface KnownPasswords {
  /** Live app passwords as digests, each compared in constant time. */
  digests: { appPasswordID: string; digest: Buffer }[];
  loadedAt: number;
}

interface CachedUser {
  known?: KnownPasswords;
  loading?: Promise<KnownPasswords>;
}

const wrongCredentials = () =>
  new DomainError('UNAUTHENTICATED', 'wrong e-mail address or app password (the account password does not sign in here: create an app password under /users/me/app-passwords)');

/**
 * App passwords read from the User streams of the event store (strongly consistent), each user's kept in
 * memory for at most `maxAgeMs`, so a revocation applies at once in the process that made it (`forget`) and
 * within `maxAgeMs` in every other. A credential verified against what is kept is remembered for as long as
 * that is: a calendar app, which sends Basic on every request, costs one SHA-256 per request, not a store read.
 * Addresses are resolved as sign-in resolves them: the UserEmail claim names the account (claims are never
 * released, so found ones are kept).
 */
export function appPasswordVerifier(store: EventStore, options: AppPasswordVerifierOptions): AppPasswordVerifier {
  const maxAgeMs = options.maxAgeMs ?? APP_PASSWORD_CACHE_MS;
  const now = () => options.clock().getTime();
  const users = new Map<string, CachedUser>();
  const owners = new Map<string, string>();
  /** `address\0digest` → the sign-in and the very passwords it was verified against (valid while those are current). */
  const signIns = new Map<string, AppPasswordSignIn & { against: KnownPasswords }>();

  async function ownerOf(email: string): Promise<string | undefined> {
    const known = owners.get(email);
    if (known !== undefined) return known;
    const { state } = await caughtUpFold(store, userEmailStreamName(email), userEmailDecider);
    if (state.status !== 'claimed') return undefined;
    if (owners.size >= MAX_CACHED_USERS) owners.clear();
    owners.set(email, state.claim.userID);
    return state.claim.userID;
  }

  async function read(userID: string): Promise<KnownPasswords> {
    const loadedAt = now();
    const { state } = await caughtUpFold(store, userStreamName(userID), userDecider);
    const passwords: AppPasswords = state.status === 'registered' ? state.appPasswords : {};
    return { digests: Object.entries(passwords).map(([appPasswordID, p]) => ({ appPasswordID, digest: Buffer.from(p.passwordSha256, 'hex') })), loadedAt };
  }

  const fresh = (known: KnownPasswords | undefined): known is KnownPasswords => known !== undefined && now() - known.loadedAt < maxAgeMs;

  function passwordsOf(userID: string): Promise<KnownPasswords> | KnownPasswords {
    const cached = users.get(userID);
    if (fresh(cached?.known)) return cached.known;
    if (cached?.loading) return cached.loading;
    const entry: CachedUser = {};
    // Concurrent checks of one user share one read.
    entry.loading = read(userID).then(
      (known) => {
        // A `forget` while reading dropped this entry: what was read may predate the revocation, so it is not kept.
        if (users.get(userID) === entry) users.set(userID, { known });
        return known;
      },
      (error: unknown) => {
        if (users.get(userID) === entry) users.delete(userID);
        throw error;
      },
    );
    if (users.size >= MAX_CACHED_USERS) users.clear();
    users.set(userID, entry);
    return entry.loading;
  }

  /** The live password with this digest, every one compared in constant time (no early exit). */
  function matching(known: KnownPasswords, digest: Buffer): string | undefined {
    let found: string | undefined;
    for (const candidate of known.digests) {
      if (candidate.digest.length === digest.length && timingSafeEqual(candidate.digest, digest)) found = candidate.appPasswordID;
    }
    return found;
  }

  return {
    async verify(credentials, req) {
      const email = normaliseEmail(credentials.userID);
      const digest = createHash('sha256').update(normaliseAppPassword(credentials.password), 'utf8').digest();
      const key = `${email}\u0000${digest.toString('hex')}`;
      const remembered = signIns.get(key);
      if (remembered && users.get(remembered.userID)?.known === remembered.against && fresh(remembered.against)) {
        return { userID: remembered.userID, appPasswordID: remembered.appPasswordID };
      }
      const startedAt = now();
      const account = `app-password:${email}`;
      const client = requestClientAddress(req, options.trustForwardedFor ?? false);
      await options.throttle?.check(account, client);
      const userID = email.length <= 320 ? await ownerOf(email) : undefined;
      let known = userID === undefined ? undefined : await passwordsOf(userID);
      let appPasswordID = known === undefined ? undefined : matching(known, digest);
      if (userID !== undefined && known !== undefined && appPasswordID === undefined && known.loadedAt < startedAt) {
        // What is kept may predate a password made since (in another process): one more read before a failure counts.
        users.delete(userID);
        known = await passwordsOf(userID);
        appPasswordID = matching(known, digest);
      }
      if (userID === undefined || known === undefined || appPasswordID === undefined) {
        await options.throttle?.failed(account, client);
        throw wrongCredentials();
      }
      await options.throttle?.succeeded(account);
      if (signIns.size >= MAX_CACHED_SIGN_INS) signIns.clear();
      signIns.set(key, { userID, appPasswordID, against: known });
      return { userID, appPasswordID };
    },
    forget(userID) {
      users.delete(userID);
    },
  };
}
