import { createHmac, createSecretKey, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { DomainError, invalidLink } from '../errors/domainError';
import { type AppPasswordVerifier, AUTH_REALM, basicCredentials } from './basicCredentials';
import type { ClientRequest } from './clientAddress';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** How `requireUser` signed the user in: a session's bearer token, or an app password over HTTP Basic. */
      authenticatedBy?: AuthenticationScheme;
    }
  }
}

/** `bearer`: a session token (POST /sessions); `basic`: an app password (RFC 7617), for calendar apps. */
export type AuthenticationScheme = 'bearer' | 'basic';

const ISSUER = 'datebook';
const ALGORITHM = 'HS256';
const MAX_VERIFIED = 10_000;
/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits. */
export const MIN_SECRET_BYTES = 32;

/** A signed-in session as its token names it. */
export interface Session {
  userID: string;
  /** The token's `sid`: signing out revokes this session only. */
  sessionID: string;
  /** The user's session generation when the token was issued (`gen`): revoking every session raises it. */
  generation: number;
}

/** What single-use e-mail links are for; each kind is signed for its own audience, never as a session. */
export type LinkPurpose = 'verify-email' | 'password-reset';

export interface LinkClaims {
  /** The user the link is for. */
  userID: string;
  /** The request it answers (a verification request, a password reset). */
  requestID: string;
}

/** Which sessions are revoked: checked on every authenticated request (see `sessionRevocations`). */
export interface RevocationCheck {
  isRevoked(session: Session): boolean | Promise<boolean>;
}

/** Signs and checks session tokens (JWT, HS256; the user id travels as `sub`) and the tokens of e-mail links. */
export interface TokenService {
  issue(userID: string, now: Date, session?: { sessionID?: string; generation?: number }): { token: string; expiresAt: string; sessionID: string };
  /** The session a token names, checking signature and expiry only (not revocation). */
  session(token: string): Session;
  /** The user a token signs in, checking signature and expiry only (not revocation). */
  verify(token: string): string;
  /** The session a token names, refused when it has been revoked: what every request is checked with. */
  authenticate(token: string): Promise<Session>;
  issueLink(purpose: LinkPurpose, claims: LinkClaims, expiresAt: Date): string;
  /** The claims of a link token of this purpose; throws INVALID_LINK when forged, of another purpose or expired at `now`. */
  verifyLink(purpose: LinkPurpose, token: string, now: Date): LinkClaims;
  /** HTTP Basic with app passwords, where the process accepts it (see `withAppPasswords`); Bearer only otherwise. */
  appPasswords?: AppPasswordVerifier;
}

/** Refuses a secret too short for HS256, however it was given (an empty secret file once made every token acceptable). */
export function assertUsableSecret(secret: string, source = 'the JWT secret'): void {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) {
    throw new Error(`${source} is ${bytes} bytes long; HS256 needs at least ${MIN_SECRET_BYTES} (RFC 7518 §3.2): set JWT_SECRET or delete the secret file to have one generated`);
  }
}

/**
 * Session tokens checked for signature and expiry (expiry by `clock`, the process's injected clock); wrap
 * with `withRevocations` so revoked sessions are refused too (every process does, in its composition root).
 */
export function jwtTokenService(secret: string, ttlSeconds: number, clock: () => Date): TokenService {
  assertUsableSecret(secret);
  // A prepared key object: given a string, jsonwebtoken builds a new key on every verify.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  // Link tokens are signed with a key of their own, so no link can ever pass as a session and no session as a link.
  const linkKey = createSecretKey(createHmac('sha256', secret).update('datebook e-mail link tokens v1').digest());
  // Tokens already verified, so a client's every request does not pay the HMAC and claims again; expiry is checked on each use.
  const verified = new Map<string, Session & { exp: number }>();

  function session(token: string): Session {
    const known = verified.get(token);
    const nowSeconds = Math.floor(clock().getTime() / 1000);
    if (known && nowSeconds < known.exp) return known;
    try {
      const claims = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER, clockTimestamp: nowSeconds });
      // A token without a session id cannot be revoked, so it is not accepted.
      if (typeof claims === 'object' && typeof claims.sub === 'string' && typeof claims.exp === 'number' && typeof claims.sid === 'string') {
        const generation = Number.isInteger(claims.gen) ? (claims.gen as number) : 0;
        const entry = { userID: claims.sub, sessionID: claims.sid, generation, exp: claims.exp };
        if (verified.size >= MAX_VERIFIED) verified.clear();
        verified.set(token, entry);
        return entry;
      }
    } catch (error) {
      const expired = error instanceof jwt.TokenExpiredError;
      throw new DomainError('UNAUTHENTICATED', expired ? 'the token has expired; sign in again' : 'the token is not valid');
    }
    throw new DomainError('UNAUTHENTICATED', 'the token is not valid');
  }

  return {
    issue(userID, now, chosen = {}) {
      const iat = Math.floor(now.getTime() / 1000);
      const sessionID = chosen.sessionID ?? randomUUID();
      const token = jwt.sign({ sub: userID, sid: sessionID, gen: chosen.generation ?? 0, iat, exp: iat + ttlSeconds }, key, { algorithm: ALGORITHM, issuer: ISSUER });
      return { token, expiresAt: new Date((iat + ttlSeconds) * 1000).toISOString(), sessionID };
    },
    session,
    verify: (token) => session(token).userID,
    async authenticate(token) {
      const { userID, sessionID, generation } = session(token);
      return { userID, sessionID, generation };
    },
    issueLink(purpose, claims, expiresAt) {
      return jwt.sign({ sub: claims.userID, rid: claims.requestID, exp: Math.floor(expiresAt.getTime() / 1000) }, linkKey, { algorithm: ALGORITHM, issuer: ISSUER, audience: purpose });
    },
    verifyLink(purpose, token, now) {
      try {
        const claims = jwt.verify(token, linkKey, { algorithms: [ALGORITHM], issuer: ISSUER, audience: purpose, clockTimestamp: Math.floor(now.getTime() / 1000) });
        if (typeof claims === 'object' && typeof claims.sub === 'string' && typeof claims.rid === 'string') return { userID: claims.sub, requestID: claims.rid };
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError) throw invalidLink('the link has expired; ask for a new one');
      }
      throw invalidLink('the link is not valid');
    },
  };
}


/** The same token service, refusing sessions that `revocations` says are revoked. */
export function withRevocations(tokens: TokenService, revocations: RevocationCheck): TokenService {
  return {
    ...tokens,
    async authenticate(token) {
      const session = await tokens.authenticate(token);
      if (await revocations.isRevoked(session)) throw new DomainError('UNAUTHENTICATED', 'this session has been signed out; sign in again');
      return session;
    },
  };
}

/** The same token service, also signing in with app passwords over HTTP Basic wherever it signs in bearer tokens. */
export function withAppPasswords(tokens: TokenService, appPasswords: AppPasswordVerifier): TokenService {
  return { ...tokens, appPasswords };
}

/** The bearer token of an `Authorization: Bearer <token>` header; throws UNAUTHENTICATED. */
export function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  return match[1];
}

/** The user an `Authorization: Bearer <token>` header signs in, revoked sessions refused; throws UNAUTHENTICATED. */
export async function userFromAuthorization(tokens: TokenService, header: string | undefined): Promise<string> {
  return (await tokens.authenticate(bearerToken(header))).userID;
}

/**
 * The user a request signs in: `Authorization: Bearer <token>` of a session not revoked, or, where `tokens`
 * take app passwords, `Authorization: Basic base64(<address>:<app password>)` (never the account password).
 * Throws UNAUTHENTICATED, or TOO_MANY_ATTEMPTS while Basic guesses for the account or from the client are blocked.
 */
export async function authenticateRequest(tokens: TokenService, req: ClientRequest): Promise<{ userID: string; scheme: AuthenticationScheme }> {
  const header = req.headers.authorization;
  const basic = basicCredentials(header);
  if (basic === undefined) return { userID: await userFromAuthorization(tokens, header), scheme: 'bearer' };
  if (!tokens.appPasswords) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  return { userID: (await tokens.appPasswords.verify(basic, req)).userID, scheme: 'basic' };
}

/**
 * The headers a failed sign-in answers with: the challenge every 401 carries (RFC 9110 §11.6.1), Basic
 * (RFC 7617 §2) when the request tried Basic or the route offers it (calendar apps wait for that challenge
 * before they send credentials), else Bearer (RFC 6750 §3); and `Retry-After` with a 429.
 */
export function authenticationFailureHeaders(req: ClientRequest, error: unknown, offerBasic = false): Record<string, string> {
  if (!(error instanceof DomainError)) return {};
  if (error.code === 'TOO_MANY_ATTEMPTS') {
    const seconds = error.extensions.retryAfterSeconds;
    return typeof seconds === 'number' ? { 'Retry-After': String(seconds) } : {};
  }
  if (error.code !== 'UNAUTHENTICATED') return {};
  const basic = offerBasic || /^Basic\b/i.test(req.headers.authorization ?? '');
  return { 'WWW-Authenticate': basic ? `Basic realm="${AUTH_REALM}"` : `Bearer realm="${AUTH_REALM}"` };
}

/** Sets `authenticationFailureHeaders` on a response about to carry `error`. */
export function setAuthenticationFailureHeaders(req: ClientRequest, res: Pick<ServerResponse, 'setHeader'>, error: unknown, offerBasic = false): void {
  for (const [name, value] of Object.entries(authenticationFailureHeaders(req, error, offerBasic))) res.setHeader(name, value);
}

/**
 * Every endpoint but sign-up and sign-in needs a signed-in user (see `authenticateRequest`). `offerBasic`:
 * a 401 challenges for Basic, for the routes calendar apps use (CalDAV, feeds of a calendar, import).
 */
export function requireUser(tokens: TokenService, options: { offerBasic?: boolean } = {}): RequestHandler {
  return (req, res, next) => {
    authenticateRequest(tokens, req).then(
      ({ userID, scheme }) => {
        req.userID = userID;
        req.authenticatedBy = scheme;
        req.log = req.log.child({ userID });
        next();
      },
      (error: unknown) => {
        setAuthenticationFailureHeaders(req, res, error, options.offerBasic);
        next(error);
      },
    );
  };
}

/**
 * For what only a session may do (managing app passwords): an app password signs a calendar app in to
 * calendars, never to the keys of the account itself. 403 when the request came with Basic.
 */
export function requireSession(req: { authenticatedBy?: AuthenticationScheme }): void {
  if (req.authenticatedBy === 'basic') throw new DomainError('FORBIDDEN', 'an app password cannot do this: sign in (POST /sessions) and send the bearer token');
}

export function authenticatedUser(req: { userID?: string }): string {
  if (req.userID === undefined) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  return req.userID;
}
