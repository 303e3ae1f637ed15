import { createHmac, timingSafeEqual } from 'node:crypto';
import { normaliseEmail } from '../aggregates/userEmail';

/**
 * The address an attendee's calendar answers to (RFC 6047 iMIP: a REPLY goes to the ORGANIZER's mailto:
 * address): `reply+<token>@<domain>`, one per event and attendee. The token is the event's id and an HMAC
 * over (event id, attendee address) under a server secret, so nobody can make one for another event or
 * another person, and the address a REPLY names must be the one the invitation went to.
 */
export interface ReplyAddresses {
  /** The domain the inbound listener accepts mail for. */
  readonly domain: string;
  /** `reply+<token>@<domain>` for this event and attendee address. */
  addressFor(eventID: string, attendeeEmail: string): string;
  /** The event a reply address names and its token; undefined for anything that is not one of ours in form. */
  parse(address: string): ReplyToken | undefined;
  /** Whether this token was made for this attendee address (compared in constant time). */
  isFor(token: ReplyToken, attendeeEmail: string): boolean;
}

export interface ReplyToken {
  eventID: string;
  mac: Buffer;
}

const LOCAL_PREFIX = 'reply+';
// 128 bits: a guess succeeds with probability 2^-128 (NIST SP 800-107 §5.3.4 allows truncated HMAC tags).
const MAC_BYTES = 16;
const ID_BYTES = 16;
// RFC 4648 §6 base32, lower case: a mail system may fold the local part's case (RFC 5321 §2.4 allows
// hosts to), which base64 would not survive. 32 bytes → 52 characters; `reply+` + 52 = 58 ≤ 64 (§4.5.3.1.1).
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const TOKEN_CHARS = Math.ceil(((ID_BYTES + MAC_BYTES) * 8) / 5);

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | undefined {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.toLowerCase()) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return undefined;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  // The padding bits of the last character must be zero: one token has one spelling (apart from case).
  return value === 0 ? Buffer.from(bytes) : undefined;
}

const uuidBytes = (eventID: string): Buffer | undefined => (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(eventID) ? Buffer.from(eventID.replace(/-/g, ''), 'hex') : undefined);
const uuidOf = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** At least as long as a JWT secret (RFC 7518 §3.2: a key as long as the hash). */
export const MIN_REPLY_SECRET_BYTES = 32;

/**
 * The reply addresses of `domain` under `secret`. The MAC key is derived from the secret with a label of
 * its own, so the same secret given here and to the session tokens can never sign one for the other.
 */
export function replyAddresses(options: { secret: string; domain: string }): ReplyAddresses {
  if (Buffer.byteLength(options.secret, 'utf8') < MIN_REPLY_SECRET_BYTES) throw new Error(`the reply-address secret must be at least ${MIN_REPLY_SECRET_BYTES} bytes`);
  const domain = options.domain.trim().toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain) || domain.length > 253) throw new Error(`"${options.domain}" is not a domain name`);
  const key = createHmac('sha256', options.secret).update('datebook iMIP reply addresses v1').digest();
  const macOf = (id: Buffer, attendeeEmail: string): Buffer =>
    createHmac('sha256', key).update(id).update('\u0000').update(normaliseEmail(attendeeEmail), 'utf8').digest().subarray(0, MAC_BYTES);
  return {
    domain,
    addressFor(eventID, attendeeEmail) {
      const id = uuidBytes(eventID);
      if (!id) throw new Error(`not an event id: ${eventID}`);
      return `${LOCAL_PREFIX}${base32(Buffer.concat([id, macOf(id, attendeeEmail)]))}@${domain}`;
    },
    parse(address) {
      const at = address.lastIndexOf('@');
      if (at < 0 || address.slice(at + 1).toLowerCase() !== domain) return undefined;
      const local = address.slice(0, at);
      if (local.slice(0, LOCAL_PREFIX.length).toLowerCase() !== LOCAL_PREFIX || local.length !== LOCAL_PREFIX.length + TOKEN_CHARS) return undefined;
      const bytes = unbase32(local.slice(LOCAL_PREFIX.length));
      if (!bytes || bytes.length !== ID_BYTES + MAC_BYTES) return undefined;
      return { eventID: uuidOf(bytes.subarray(0, ID_BYTES)), mac: bytes.subarray(ID_BYTES) };
    },
    isFor(token, attendeeEmail) {
      const id = uuidBytes(token.eventID);
      return id !== undefined && token.mac.length === MAC_BYTES && timingSafeEqual(token.mac, macOf(id, attendeeEmail));
    },
  };
}

/**
 * The reply addresses a process's settings name: none unless INBOUND_MAIL_DOMAIN is set (invitations then
 * name the host's own address, as before). The secret is INBOUND_MAIL_SECRET, else the session secret
 * (a key is derived from either with a label of its own); every process must see the same one.
 */
export function replyAddressesFromConfig(config: { INBOUND_MAIL_DOMAIN?: string | undefined; INBOUND_MAIL_SECRET?: string | undefined; JWT_SECRET: string }): ReplyAddresses | undefined {
  if (config.INBOUND_MAIL_DOMAIN === undefined) return undefined;
  return replyAddresses({ domain: config.INBOUND_MAIL_DOMAIN, secret: config.INBOUND_MAIL_SECRET ?? config.JWT_SECRET });
}
