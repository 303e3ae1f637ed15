import { randomUUID } from 'node:crypto';
import { addressPrincipalID } from './addressPrincipal';
import { replyAddresses, replyAddressesFromConfig } from './replyAddress';

const secret = 'a secret of at least thirty-two bytes, for tests only';
const codec = replyAddresses({ secret, domain: 'Inbound.Example.TEST' });
const eventID = '3f2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('reply addresses (reply+<token>@<domain>)', () => {
  it('name the event, and are made for one attendee: the same address (in any case) passes, any other does not', () => {
    const address = codec.addressFor(eventID, 'Bob@Example.com');
    expect(address).toMatch(/^reply\+[a-z2-7]{52}@inbound\.example\.test$/);
    // RFC 5321 §4.5.3.1.1: a local part is at most 64 octets.
    expect(address.split('@')[0]?.length).toBeLessThanOrEqual(64);
    const token = codec.parse(address);
    expect(token?.eventID).toBe(eventID);
    expect(codec.isFor(token!, 'bob@example.com')).toBe(true);
    expect(codec.isFor(token!, ' BOB@EXAMPLE.COM ')).toBe(true);
    expect(codec.isFor(token!, 'carol@example.com')).toBe(false);
  });

  it('are the same every time, and differ per event and per attendee', () => {
    const other = randomUUID();
    expect(codec.addressFor(eventID, 'bob@example.com')).toBe(codec.addressFor(eventID, 'bob@example.com'));
    expect(new Set([codec.addressFor(eventID, 'bob@example.com'), codec.addressFor(other, 'bob@example.com'), codec.addressFor(eventID, 'carol@example.com')]).size).toBe(3);
  });

  it('survive a mail system that folds the case of the local part', () => {
    const address = codec.addressFor(eventID, 'bob@example.com');
    const token = codec.parse(address.toUpperCase());
    expect(token?.eventID).toBe(eventID);
    expect(codec.isFor(token!, 'bob@example.com')).toBe(true);
  });

  it('cannot be made without the secret: another secret, a changed character, or a token moved to another event fails', () => {
    const address = codec.addressFor(eventID, 'bob@example.com');
    const forger = replyAddresses({ secret: 'another secret of thirty-two bytes or more', domain: 'inbound.example.test' });
    expect(codec.isFor(codec.parse(forger.addressFor(eventID, 'bob@example.com'))!, 'bob@example.com')).toBe(false);
    const local = address.split('@')[0] as string;
    const last = local.at(-2) === 'a' ? 'b' : 'a';
    const changed = codec.parse(`${local.slice(0, -2)}${last}${local.at(-1)}@inbound.example.test`);
    expect(changed === undefined || !codec.isFor(changed, 'bob@example.com')).toBe(true);
    const token = codec.parse(address)!;
    expect(codec.isFor({ ...token, eventID: randomUUID() }, 'bob@example.com')).toBe(false);
  });

  it.each([
    ['another domain', (a: string) => a.replace('inbound.example.test', 'example.test')],
    ['no prefix', (a: string) => a.replace('reply+', 'reply-')],
    ['a shorter token', (a: string) => a.replace(/@/, '').replace(/.(?=inbound)/, '@')],
    ['a character outside base32', (a: string) => a.replace(/^reply\+./, 'reply+1')],
    ['no domain', (a: string) => a.split('@')[0] as string],
  ])('are not read from %s', (_what, change) => {
    expect(codec.parse(change(codec.addressFor(eventID, 'bob@example.com')))).toBeUndefined();
  });

  it('need a long secret and a domain name', () => {
    expect(() => replyAddresses({ secret: 'short', domain: 'example.test' })).toThrow(/32 bytes/);
    expect(() => replyAddresses({ secret, domain: 'not a domain' })).toThrow(/not a domain name/);
  });

  it('are off without INBOUND_MAIL_DOMAIN; the secret is INBOUND_MAIL_SECRET, else derived from JWT_SECRET', () => {
    expect(replyAddressesFromConfig({ JWT_SECRET: secret })).toBeUndefined();
    const fromJwt = replyAddressesFromConfig({ INBOUND_MAIL_DOMAIN: 'inbound.example.test', JWT_SECRET: secret })!;
    expect(fromJwt.addressFor(eventID, 'bob@example.com')).toBe(codec.addressFor(eventID, 'bob@example.com'));
    const own = replyAddressesFromConfig({ INBOUND_MAIL_DOMAIN: 'inbound.example.test', INBOUND_MAIL_SECRET: 'x'.repeat(32), JWT_SECRET: secret })!;
    expect(own.addressFor(eventID, 'bob@example.com')).not.toBe(codec.addressFor(eventID, 'bob@example.com'));
  });
});

describe('the id of a bare address', () => {
  it('is a version 5 UUID of the address in its normal form, the same everywhere', () => {
    expect(addressPrincipalID('Dan@Example.com ')).toBe(addressPrincipalID('dan@example.com'));
    expect(addressPrincipalID('dan@example.com')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(addressPrincipalID('dan@example.com')).not.toBe(addressPrincipalID('eve@example.com'));
  });
});
