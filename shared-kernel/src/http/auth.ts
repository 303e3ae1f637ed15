import { createSecretKey } from 'node:crypto';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { DomainError } from '../errors/domainError';

const ISSUER = 'datebook';
const ALGORITHM = 'HS256';

/** Signs and checks session tokens (JWT, HS256); the user id travels as `sub`. */
export interface TokenService {
  issue(userID: string, now: Date): { token: string; expiresAt: string };
  verify(token: string): string;
}

export function jwtTokenService(secret: string, ttlSeconds: number): TokenService {
  // A prepared key object: given a string, jsonwebtoken builds a new key on every verify.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return {
    issue(userID, now) {
      const iat = Math.floor(now.getTime() / 1000);
      const token = jwt.sign({ sub: userID, iat, exp: iat + ttlSeconds }, key, { algorithm: ALGORITHM, issuer: ISSUER });
      return { token, expiresAt: new Date((iat + ttlSeconds) * 1000).toISOString() };
    },
    verify(token) {
      try {
        const claims = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER });
        if (typeof claims === 'object' && typeof claims.sub === 'string') return claims.sub;
      } catch (error) {
        const expired = error instanceof jwt.TokenExpiredError;
        throw new DomainError('UNAUTHENTICATED', expired ? 'the token has expired; sign in again' : 'the token is not valid');
      }
      throw new DomainError('UNAUTHENTICATED', 'the token is not valid');
    },
  };
}

/** Every endpoint but sign-up and sign-in needs `Authorization: Bearer <token>`. */
export function requireUser(tokens: TokenService): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return next(new DomainError('UNAUTHENTICATED', 'send Authorization: Bearer <token>'));
    try {
      req.userID = tokens.verify(match[1]);
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
