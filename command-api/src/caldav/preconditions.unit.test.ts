import { checkPreconditions } from './preconditions';

const at = (version: number) => ({ exists: true, version });
const none = { exists: false, version: null };
const status = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { status?: number }).status;
  }
  return undefined;
};

/** RFC 9110 §13.1.1–§13.1.2 for CalDAV writes (RFC 4791 §5.3.2): ETags are "<version>-<view>". */
describe('conditional writes', () => {
  it('If-None-Match: * creates only where nothing is', () => {
    expect(checkPreconditions({ ifNoneMatch: '*' }, none)).toEqual({});
    expect(status(() => checkPreconditions({ ifNoneMatch: '*' }, at(3)))).toBe(412);
  });

  it('If-Match takes the current version in any view letter, and makes the append conditional on it', () => {
    expect(checkPreconditions({ ifMatch: '"3-f"' }, at(3))).toEqual({ expectedVersion: 3 });
    expect(checkPreconditions({ ifMatch: '"2-f", "3-a"' }, at(3))).toEqual({ expectedVersion: 3 });
    expect(checkPreconditions({ ifMatch: '"3"' }, at(3))).toEqual({ expectedVersion: 3 });
    expect(checkPreconditions({ ifMatch: '*' }, at(3))).toEqual({ expectedVersion: 3 });
    expect(status(() => checkPreconditions({ ifMatch: '"2-f"' }, at(3)))).toBe(412);
    expect(status(() => checkPreconditions({ ifMatch: 'W/"3-f"' }, at(3)))).toBe(412);
    expect(status(() => checkPreconditions({ ifMatch: 'garbage' }, at(3)))).toBe(412);
    expect(status(() => checkPreconditions({ ifMatch: '*' }, none))).toBe(412);
    expect(status(() => checkPreconditions({ ifMatch: '"1-f"' }, none))).toBe(412);
  });

  it('If-None-Match with tags refuses the version it names (weak comparison)', () => {
    expect(status(() => checkPreconditions({ ifNoneMatch: 'W/"3-f"' }, at(3)))).toBe(412);
    expect(checkPreconditions({ ifNoneMatch: '"2-f"' }, at(3))).toEqual({});
  });

  it('writes unconditionally without either header', () => {
    expect(checkPreconditions({}, at(3))).toEqual({});
    expect(checkPreconditions({}, none)).toEqual({});
  });
});
