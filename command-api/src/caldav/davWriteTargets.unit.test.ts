import { davWriteTargetOf, objectHref } from './davWriteTargets';

const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('CalDAV write targets', () => {
  it('reads collections and resources, encoded or not, in any case of the id', () => {
    expect(davWriteTargetOf(`/dav/calendars/${id}/`)).toEqual({ kind: 'collection', calendarID: id });
    expect(davWriteTargetOf(`/dav/calendars/${id.toUpperCase()}`)).toEqual({ kind: 'collection', calendarID: id });
    expect(davWriteTargetOf(`/dav/calendars/${id}/abc%40example.com.ics`)).toEqual({ kind: 'object', calendarID: id, name: 'abc@example.com' });
    expect(davWriteTargetOf(objectHref(id, 'a/b c@x'))).toEqual({ kind: 'object', calendarID: id, name: 'a/b c@x' });
  });

  it('names a collection URL that cannot be a calendar, and nothing else', () => {
    expect(davWriteTargetOf('/dav/calendars/work/')).toEqual({ kind: 'badCollection', segment: 'work' });
    expect(davWriteTargetOf('/dav/calendars/work/x.ics')).toBeUndefined();
    expect(davWriteTargetOf(`/dav/calendars/${id}/x.txt`)).toBeUndefined();
    expect(davWriteTargetOf(`/dav/calendars/${id}/.ics`)).toBeUndefined();
    expect(davWriteTargetOf(`/dav/calendars/${id}/%E0%A4%A.ics`)).toBeUndefined();
    expect(davWriteTargetOf(`/dav/calendars/${id}/a/b.ics`)).toBeUndefined();
    expect(davWriteTargetOf('/dav/principals/x/')).toBeUndefined();
    expect(davWriteTargetOf('/dav/calendars/')).toBeUndefined();
  });
});
