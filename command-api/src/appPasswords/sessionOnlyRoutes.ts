import { requireSession, requireUser, type TokenService } from '@datebook/shared-kernel/http';
import type { RequestHandler } from 'express';

/**
 * What an app password may never do: change the account (its settings, password and address confirmation),
 * end its sessions, or hand out a way in that would outlive the app password (app passwords, sharing rules,
 * secret addresses). An app password is typed into a calendar app and kept there; whoever reads it from that
 * app gets the calendars, never the keys (design 14: "it signs in to calendars, never to your account settings").
 */
const SESSION_ONLY: readonly { method: string; path: RegExp }[] = [
  { method: 'PATCH', path: /^\/users\/me\/?$/i },
  { method: 'POST', path: /^\/users\/me\/password\/?$/i },
  { method: 'POST', path: /^\/users\/me\/email-verification\/?$/i },
  { method: 'DELETE', path: /^\/sessions(\/current)?\/?$/i },
  { method: '*', path: /^\/users\/me\/app-passwords(\/[^/]*)?\/?$/i },
  { method: 'POST', path: /^\/calendars\/[^/]+\/acl\/?$/i },
  { method: 'PATCH', path: /^\/calendars\/[^/]+\/acl\/[^/]+\/?$/i },
  { method: 'DELETE', path: /^\/calendars\/[^/]+\/acl\/[^/]+\/?$/i },
  { method: 'POST', path: /^\/calendars\/[^/]+\/feeds\/?$/i },
  { method: 'DELETE', path: /^\/calendars\/[^/]+\/feeds\/[^/]+\/?$/i },
];

/**
 * Ahead of the routes: a request to one of the routes above signed in with an app password (HTTP Basic) is
 * 403 FORBIDDEN, as managing app passwords always was; with a bearer token it goes on to the route (which
 * signs it in again: a revoked session is refused there as everywhere).
 */
export function sessionOnlyRoutes(tokens: TokenService): RequestHandler {
  const signedIn = requireUser(tokens);
  return (req, res, next) => {
    if (!SESSION_ONLY.some((route) => (route.method === '*' || route.method === req.method) && route.path.test(req.path))) return next();
    signedIn(req, res, (error?: unknown) => {
      if (error) return next(error);
      try {
        requireSession(req);
      } catch (refused) {
        return next(refused);
      }
      return next();
    });
  };
}
