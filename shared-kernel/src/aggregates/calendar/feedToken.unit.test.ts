import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { FEED_SECRET_BYTES, feedToken, feedTokenHash, feedTokenMatches, feedTokenParts } from './feedToken';

const calendarID = '44444444-4444-4444-8444-444444444444';
const feedID = '66666666-6666-4666-8666-000000000001';

describe('secret address tokens', () => {
  it('name their calendar and feed, and carry 256 random bits', () => {
    const token = feedToken(calendarID, feedID, randomBytes(FEED_SECRET_BYTES));
    expect(token).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(feedTokenParts(token)).toEqual({ calendarID, feedID });
    expect(feedToken(calendarID, feedID, randomBytes(FEED_SECRET_BYTES))).not.toBe(token);
  });

  it('match only the hash they were kept as', () => {
    const token = feedToken(calendarID, feedID, randomBytes(FEED_SECRET_BYTES));
    const kept = feedTokenHash(token);
    expect(kept).toMatch(/^[0-9a-f]{64}$/);
    expect(feedTokenMatches(token, kept)).toBe(true);
    const other = feedToken(calendarID, feedID, randomBytes(FEED_SECRET_BYTES));
    expect(feedTokenMatches(other, kept)).toBe(false);
    expect(feedTokenMatches(token, 'not hex')).toBe(false);
    expect(feedTokenMatches(token, '')).toBe(false);
  });

  it('anything not shaped as a token names nothing (property)', () => {
    const token = feedToken(calendarID, feedID, randomBytes(FEED_SECRET_BYTES));
    expect(feedTokenParts(token.slice(1))).toBeUndefined();
    expect(feedTokenParts(`${token}A`)).toBeUndefined();
    expect(feedTokenParts(token.replace(/.$/, '='))).toBeUndefined();
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (text) => {
      const parts = feedTokenParts(text);
      if (parts) expect(Buffer.from(text, 'base64url').toString('base64url')).toBe(text);
    }));
    expect(() => feedToken(calendarID, feedID, randomBytes(8))).toThrow();
  });
});
