import { upstreamFor } from './routeTable';

describe('gateway routes', () => {
  it.each([
    ['GET', '/events', 'query'],
    ['GET', '/events/abc', 'query'],
    ['GET', '/events/abc/history', 'query'],
    ['PATCH', '/events/availability', 'query'],
    ['POST', '/freebusy', 'query'],
    ['POST', '/freebusy/suggestions', 'query'],
    ['GET', '/events/abc/notifications', 'notifier'],
    ['POST', '/devices', 'notifier'],
    ['GET', '/sync/stream', 'notifier'],
    ['POST', '/events', 'command'],
    ['PUT', '/events/abc', 'command'],
    ['PATCH', '/events/abc/invitations', 'command'],
    ['DELETE', '/events/abc/occurrences/2030-01-01T00:00:00Z', 'command'],
    ['POST', '/users', 'command'],
    ['GET', '/users/me', 'command'],
    ['GET', '/users/me/calendarList', 'query'],
    // Express matches paths in any case, so the gateway routes them alike.
    ['GET', '/users/me/calendarlist', 'query'],
    ['PATCH', '/users/me/calendarList/primary', 'command'],
    ['DELETE', '/users/me/calendarList/abc', 'command'],
    ['POST', '/password-resets', 'command'],
    ['POST', '/users/verify-email/abc', 'command'],
  ])('%s %s → %s', (method, path, upstream) => {
    expect(upstreamFor(method, path)).toBe(upstream);
  });
});
