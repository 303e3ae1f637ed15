import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The token of a secret address (`/feeds/<token>.ics`): base64url of the calendar's id, the feed's id and a
 * secret of at least 128 random bits (here 256), so the address names what it opens and cannot be guessed.
 * The store keeps only its SHA-256: a high-entropy secret needs no slow hash (NIST SP 800-63B §5.1.1.2
 * asks for one for passwords people choose), and a leaked store opens no feed.
 */
const UUID_BYTES = 16;
export const FEED_SECRET_BYTES = 32;
const TOKEN_BYTES = 2 * UUID_BYTES + FEED_SECRET_BYTES;
/** base64url without padding of TOKEN_BYTES bytes. */
const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 4) / 3);
const TOKEN_SHAPE = new RegExp(`^[A-Za-z0-9_-]{${TOKEN_LENGTH}}$`);

const uuidBytes = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex');
const uuidOf = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The token for a new feed; `secret` comes from a CSPRNG (crypto.randomBytes) and is FEED_SECRET_BYTES long. */
export function feedToken(calendarID: string, feedID: string, secret: Uint8Array): string {
  if (secret.length !== FEED_SECRET_BYTES) throw new Error(`a feed secret is ${FEED_SECRET_BYTES} bytes`);
  return Buffer.concat([uuidBytes(calendarID), uuidBytes(feedID), secret]).toString('base64url');
}

/** The calendar and feed a token names, or undefined for anything that is not a token's shape (checked before any read). */
export function feedTokenParts(token: string): { calendarID: string; feedID: string } | undefined {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token) return undefined;
  return { calendarID: uuidOf(bytes.subarray(0, UUID_BYTES)), feedID: uuidOf(bytes.subarray(UUID_BYTES, 2 * UUID_BYTES)) };
}

/** What the store keeps of a token: its SHA-256, hex. */
export function feedTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `token` is the one whose hash was kept, compared in constant time (no timing tells how much matched). */
export function feedTokenMatches(token: string, keptHash: string): boolean {
  const given = Buffer.from(feedTokenHash(token), 'hex');
  const kept = Buffer.from(keptHash, 'hex');
  return kept.length === given.length && timingSafeEqual(given, kept);
}
