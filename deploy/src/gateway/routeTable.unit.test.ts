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
    // CalDAV: what reads goes to the query API, what writes to the command API, on the same paths.
    ['PROPFIND', '/', 'query'],
    ['PROPFIND', '/.well-known/caldav', 'query'],
    ['GET', '/.well-known/caldav/', 'query'],
    ['OPTIONS', '/dav/', 'query'],
    ['PROPFIND', '/dav/calendars/abc/', 'query'],
    ['REPORT', '/dav/calendars/abc/', 'query'],
    ['GET', '/dav/calendars/abc/x.ics', 'query'],
    ['PUT', '/dav/calendars/abc/x.ics', 'command'],
    ['DELETE', '/dav/calendars/abc/x.ics', 'command'],
    ['MKCALENDAR', '/dav/calendars/abc/', 'command'],
    ['PROPPATCH', '/dav/calendars/abc/', 'command'],
    ['GET', '/calendars/abc/events.ics', 'query'],
    ['POST', '/calendars/abc/import', 'command'],
    ['POST', '/calendars/abc/feeds', 'command'],
    ['GET', '/feeds/token.ics', 'query'],
    ['POST', '/users/me/app-passwords', 'command'],
  ])('%s %s → %s', (method, path, upstream) => {
    expect(upstreamFor(method, path)).toBe(upstream);
  });
});

describe('what the gateway does not route', () => {
  it.each([
    ['GET', '/.well-known/security.txt'],
    ['PUT', '/feeds/token.ics'],
    ['GET', '/'],
  ])('%s %s → none', (method, path) => {
    expect(upstreamFor(method, path)).toBeUndefined();
  });
});
