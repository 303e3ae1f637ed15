import { collectionHref, davTargetOf, hrefPath, objectHref } from './davPaths';

const calendarID = '0b6f6bde-2a5e-4f57-9d1e-3f2a7c9e1d10';

describe('the DAV tree\'s paths', () => {
  it('name the root, the principals, the home, a collection and an event', () => {
    expect(davTargetOf('/')).toEqual({ kind: 'root' });
    expect(davTargetOf('/dav')).toEqual({ kind: 'root' });
    expect(davTargetOf('/dav/')).toEqual({ kind: 'root' });
    expect(davTargetOf('/dav/principals/')).toEqual({ kind: 'principals' });
    expect(davTargetOf(`/dav/principals/${calendarID.toUpperCase()}/`)).toEqual({ kind: 'principal', userID: calendarID });
    expect(davTargetOf('/dav/calendars/')).toEqual({ kind: 'home' });
    expect(davTargetOf(`/dav/calendars/${calendarID}`)).toEqual({ kind: 'collection', calendarID });
    expect(davTargetOf(`/dav/calendars/${calendarID}/`)).toEqual({ kind: 'collection', calendarID });
  });

  it('read an event\'s UID from its name, encoded or not, and write it encoded', () => {
    const uid = 'a b/c@example.com';
    expect(objectHref(calendarID, uid)).toBe(`${collectionHref(calendarID)}a%20b%2Fc%40example.com.ics`);
    expect(davTargetOf(objectHref(calendarID, uid))).toEqual({ kind: 'object', calendarID, uid });
    expect(davTargetOf(`/dav/calendars/${calendarID}/x@example.com.ics`)).toEqual({ kind: 'object', calendarID, uid: 'x@example.com' });
  });

  it('name nothing else', () => {
    for (const path of ['/davx', '/dav/other/', '/dav/calendars/not-a-uuid/', `/dav/calendars/${calendarID}/x.txt`, `/dav/calendars/${calendarID}/.ics`, `/dav/calendars/${calendarID}/%E0%A4%A.ics`, `/dav/calendars/${calendarID}/a/b.ics`, '/events']) {
      expect(davTargetOf(path)).toBeUndefined();
    }
  });

  it('take hrefs as paths or as full URLs', () => {
    expect(hrefPath('/dav/calendars/?x=1')).toBe('/dav/calendars/');
    expect(hrefPath('https://cal.example.com/dav/calendars/x.ics')).toBe('/dav/calendars/x.ics');
    expect(hrefPath('mailto:a@example.com')).toBeUndefined();
    expect(hrefPath('not a url')).toBeUndefined();
  });
});
