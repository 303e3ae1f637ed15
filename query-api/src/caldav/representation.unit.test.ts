import { matchSatisfied, noneMatchSatisfied } from './conditionalRequests';
import { etagOf, representationOf } from './representation';

const viewer = { userID: 'v' };
const member = (calendarID: string, visibility: 'default' | 'private', viewerOnEvent = false) => ({ calendarID, visibility, viewerOnEvent });

describe('what a viewer sees of a member, and its ETag', () => {
  it('is the whole event on its own calendar for owners, writers and readers', () => {
    for (const role of ['owner', 'writer', 'reader'] as const) {
      expect(representationOf(member('c', 'default'), { calendarID: 'c', role }, viewer)).toEqual({ audience: 'full', letter: 'f', viewerID: null });
    }
  });

  it('is busy time only for a free/busy reader, and for a reader of a private event they are not on', () => {
    expect(representationOf(member('c', 'default'), { calendarID: 'c', role: 'freeBusyReader' }, viewer).audience).toBe('busyOnly');
    expect(representationOf(member('c', 'private'), { calendarID: 'c', role: 'reader' }, viewer).audience).toBe('busyOnly');
    expect(representationOf(member('c', 'private', true), { calendarID: 'c', role: 'reader' }, viewer)).toEqual({ audience: 'full', letter: 'f', viewerID: 'v' });
    expect(representationOf(member('c', 'private'), { calendarID: 'c', role: 'writer' }, viewer).audience).toBe('full');
  });

  it('is the guest\'s view for an invitation in a primary collection, with the viewer\'s alarms when they are on it', () => {
    expect(representationOf(member('other', 'default', true), { calendarID: 'v', role: 'owner' }, viewer)).toEqual({ audience: { attendee: 'v' }, letter: 'a', viewerID: 'v' });
    expect(representationOf(member('other', 'default'), { calendarID: 'g', role: 'reader' }, viewer)).toEqual({ audience: { attendee: 'g' }, letter: 'a', viewerID: null });
  });

  it('gives each view its own strong ETag', () => {
    const full = etagOf({ version: 7 }, { audience: 'full', letter: 'f', viewerID: null });
    expect(full).toBe('"7-f"');
    expect(etagOf({ version: 7 }, { audience: 'busyOnly', letter: 'b', viewerID: null })).toBe('"7-b"');
    expect(noneMatchSatisfied(full, full)).toBe(true);
    expect(noneMatchSatisfied(`"1-f", W/${full}`, full)).toBe(true);
    expect(noneMatchSatisfied('*', full)).toBe(true);
    expect(noneMatchSatisfied('"7-b"', full)).toBe(false);
    expect(noneMatchSatisfied(undefined, full)).toBe(false);
    expect(matchSatisfied(undefined, full)).toBe(true);
    expect(matchSatisfied(`W/${full}`, full)).toBe(false);
    expect(matchSatisfied(`"6-f", ${full}`, full)).toBe(true);
  });
});
