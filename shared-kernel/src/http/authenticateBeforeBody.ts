import type { RequestHandler } from 'express';
import { authenticateRequest, setAuthenticationFailureHeaders, type TokenService } from './auth';
import type { RouteDoc } from './openApi';
import { hasBody } from './problemDetails';

interface RoutePattern {
  method: string;
  pattern: RegExp;
  authenticated: boolean;
  offerBasic: boolean;
}

/** `/events/{eventID}` → a matcher of the request path as Express matches it (any case, optional trailing slash). */
function patternOf(doc: RouteDoc): RoutePattern {
  const source = doc.path
    .split(/\{\w+\}/)
    .map((literal) => literal.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return { method: doc.method.toUpperCase(), pattern: new RegExp(`^${source}/?$`, 'i'), authenticated: doc.authenticated !== false, offerBasic: doc.offerBasic === true };
}

/**
 * Verifies the bearer token of a request with a body to a documented authenticated route before a byte of
 * that body is read or inflated, so a stranger's upload costs nothing (the routes' own `requireUser` still
 * runs after it; verified tokens are remembered). Routes documented as public (sign-up, sign-in), and any
 * path no document names, are left to the stack as before.
 */
export function authenticateBeforeBody(tokens: TokenService, routeDocs: RouteDoc[]): RequestHandler {
  const routes = routeDocs.map(patternOf);
  return (req, res, next) => {
    if (!hasBody(req.headers)) return next();
    const path = req.path;
    const matching = routes.filter((route) => route.method === req.method && route.pattern.test(path));
    if (matching.length === 0 || matching.some((route) => !route.authenticated)) return next();
    // Revoked sessions are refused here too (the same check as the route's own `requireUser`).
    authenticateRequest(tokens, req).then(() => next(), (error: unknown) => {
      setAuthenticationFailureHeaders(req, res, error, matching.some((route) => route.offerBasic));
      next(error);
    });
  };
}
