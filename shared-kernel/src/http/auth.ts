import { createSecretKey } from 'node:crypto';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { DomainError } from '../errors/domainError';

const ISSUER = 'datebook';
const ALGORITHM = 'HS256';
const MAX_VERIFIED = 10_000;

/** Signs and checks session tokens (JWT, HS256); the user id travels as `sub`. */
export interface TokenService {
  issue(userID: string, now: Date): { token: string; expiresAt: string };
  verify(token: string): string;
}

export function jwtTokenService(secret: string, ttlSeconds: number): TokenService {
  // A prepared key object: given a string, jsonwebtoken builds a new key on every verify.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  // Tokens already verified, so a client's every request does not pay the HMAC and claims again; expiry is checked on each use.
  const verified = new Map<string, { sub: string; exp: number }>();
  return {
    issue(userID, now) {
      const iat = Math.floor(now.getTime() / 1000);
      const token = jwt.sign({ sub: userID, iat, exp: iat + ttlSeconds }, key, { algorithm: ALGORITHM, issuer: ISSUER });
      return { token, expiresAt: new Date((iat + ttlSeconds) * 1000).toISOString() };
    },
    verify(token) {
      const known = verified.get(token);
      if (known && Math.floor(Date.now() / 1000) < known.exp) return known.sub;
      try {
        const claims = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER });
        if (typeof claims === 'object' && typeof claims.sub === 'string' && typeof claims.exp === 'number') {
          if (verified.size >= MAX_VERIFIED) verified.clear();
          verified.set(token, { sub: claims.sub, exp: claims.exp });
          return claims.sub;
        }
      } catch (error) {
        const expired = error instanceof jwt.TokenExpiredError;
        throw new DomainError('UNAUTHENTICATED', expired ? 'the token has expired; sign in again' : 'the token is not valid');
      }
      throw new DomainError('UNAUTHENTICATED', 'the token is not valid');
    },
  };
}

/** The user an `Authorization: Bearer <token>` header signs in; throws UNAUTHENTICATED. */
export function userFromAuthorization(tokens: TokenService, header: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  return tokens.verify(match[1]);
}

/** Every endpoint but sign-up and sign-in needs `Authorization: Bearer <token>`. */
export function requireUser(tokens: TokenService): RequestHandler {
  return (req, _res, next) => {
    try {
      req.userID = userFromAuthorization(tokens, req.headers.authorization);
      req.log = req.log.child({ userID: req.userID });
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function authenticatedUser(req: { userID?: string }): string {
  if (req.userID === undefined) throw new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  return req.userID;
}
