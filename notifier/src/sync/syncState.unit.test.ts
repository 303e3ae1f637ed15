import { randomBytes, randomUUID } from 'node:crypto';
import { DomainError } from '@datebook/shared-kernel';
import { encodeOpaqueToken } from '@datebook/shared-kernel/http';
import { MAX_SYNCED_CALENDARS } from './readableCalendars';
import { type ChangesState, type FullState, MAX_SYNC_TOKEN_CHARS, passedFrom, syncTokenCodec } from './syncState';

describe('sync tokens', () => {
  const codec = syncTokenCodec(randomBytes(32));
  const ann = randomUUID();
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error instanceof DomainError ? { code: error.code, errors: error.fieldErrors } : error;
    }
    return 'accepted';
  };

  test('a device that follows no calendar gets the tokens it always got: a position, or a page token in JSON', () => {
    const state: ChangesState = { kind: 'changes', at: 42n, calendars: new Map() };
    expect(codec.syncToken(ann, state)).toBe('42');
    expect(codec.decode(ann, '42', 'syncToken')).toEqual(state);
    const page = codec.pageToken(ann, state);
    expect(JSON.parse(Buffer.from(page, 'base64url').toString())).toEqual({ k: 'changes', after: '42' });
    expect(codec.decode(ann, page, 'pageToken')).toEqual(state);
    const full: FullState = { kind: 'full', at: 7n, calendars: new Map(), principal: 0, afterEventID: randomUUID() };
    expect(codec.decode(ann, codec.pageToken(ann, full), 'pageToken')).toEqual(full);
    // Page tokens written before calendars still continue.
    expect(codec.decode(ann, encodeOpaqueToken({ k: 'changes', after: '9' }), 'pageToken')).toEqual({ kind: 'changes', at: 9n, calendars: new Map() });
  });

  test('names the calendars a device holds, their roles and positions, and a calendar half sent; the same state, the same token', () => {
    const [a, b] = [randomUUID(), randomUUID()].sort();
    const state: ChangesState = {
      kind: 'changes', at: 9_223_372_036_854_775_807n,
      calendars: new Map([[b ?? '', { role: 'reader' }], [a ?? '', { role: 'freeBusyReader', from: 12n }]]),
      transition: { calendarID: randomUUID(), mode: 'remove', role: 'writer', since: 3n, afterEventID: randomUUID() },
    };
    const token = codec.syncToken(ann, state);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(codec.decode(ann, token, 'syncToken')).toEqual(state);
    expect(codec.syncToken(ann, { ...state, calendars: new Map([...state.calendars].reverse()) })).toBe(token);
    const full: FullState = { kind: 'full', at: 5n, calendars: new Map([[a ?? '', { role: 'owner' }]]), principal: 1 };
    expect(codec.decode(ann, codec.pageToken(ann, full), 'pageToken')).toEqual(full);
  });

  test('the longest token, a hundred calendars each with its position and a transition, fits the limit', () => {
    const calendars = new Map(Array.from({ length: MAX_SYNCED_CALENDARS }, () => [randomUUID(), { role: 'writer' as const, from: 2n ** 62n }]));
    const state: ChangesState = { kind: 'changes', at: 2n ** 62n, calendars, transition: { calendarID: randomUUID(), mode: 'change', role: 'owner', since: 2n ** 62n, afterEventID: randomUUID() } };
    const token = codec.syncToken(ann, state);
    expect(token.length).toBeLessThanOrEqual(MAX_SYNC_TOKEN_CHARS);
    expect(codec.decode(ann, token, 'since')).toEqual(state);
  });

  test('a token changed by hand, of another user, or of another server is refused naming the field', () => {
    const state: ChangesState = { kind: 'changes', at: 1n, calendars: new Map([[randomUUID(), { role: 'reader' }]]) };
    const token = codec.syncToken(ann, state);
    const bytes = Buffer.from(token, 'base64url');
    bytes[12] = (bytes[12] ?? 0) ^ 1;
    const notOurs = { code: 'VALIDATION_FAILED', errors: [{ path: 'syncToken', message: 'not a sync token' }] };
    expect(refusal(() => codec.decode(ann, bytes.toString('base64url'), 'syncToken'))).toEqual(notOurs);
    expect(refusal(() => codec.decode(randomUUID(), token, 'syncToken'))).toEqual(notOurs);
    expect(refusal(() => syncTokenCodec(randomBytes(32)).decode(ann, token, 'syncToken'))).toEqual(notOurs);
    expect(refusal(() => codec.decode(ann, 'yesterday', 'pageToken'))).toEqual({ code: 'VALIDATION_FAILED', errors: [{ path: 'pageToken', message: 'not a page token' }] });
    expect(refusal(() => codec.decode(ann, 'A'.repeat(MAX_SYNC_TOKEN_CHARS + 1), 'since'))).toMatchObject({ errors: [{ path: 'since' }] });
    expect(refusal(() => codec.decode(ann, encodeOpaqueToken({ k: 'changes', after: '-1' }), 'pageToken'))).toMatchObject({ errors: [{ path: 'pageToken' }] });
  });

  test('a calendar’s own position is dropped once the device’s position passes it', () => {
    const calendars = new Map([['a', { role: 'reader' as const, from: 10n }], ['b', { role: 'owner' as const, from: 20n }]]);
    expect(passedFrom(calendars, 9n)).toBe(calendars);
    expect([...passedFrom(calendars, 10n)]).toEqual([['a', { role: 'reader' }], ['b', { role: 'owner', from: 20n }]]);
  });
});
