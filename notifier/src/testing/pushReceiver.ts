import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollUntil } from '@datebook/shared-kernel/testing';
import type { PushSubscription } from '../devices/pushTransport';

export interface ReceivedPush {
  path: string;
  receivedAt: number;
  headers: { ttl: string | undefined; urgency: string | undefined; topic: string | undefined };
  /** The decrypted payload, as the browser would hand it to the service worker. */
  payload: string;
  /** The VAPID `aud` claim, checked against the JWT signature with the key the request carried. */
  audience: string;
  vapidPublicKey: string;
}

const b64u = (buffer: Buffer) => buffer.toString('base64url');

/** RFC 8291 §3.4 and RFC 8188 §2: derive the content key and nonce, decrypt the single record, strip the padding. */
function decrypt(body: Buffer, subscriber: { privateKey: Buffer; publicKey: Buffer; auth: Buffer }): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const senderPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(subscriber.privateKey);
  const shared = ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscriber.publicKey, senderPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, subscriber.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end -= 1;
  if (plain[end] !== 2) throw new Error('the last record does not end with the 0x02 delimiter');
  return plain.subarray(0, end).toString('utf8');
}

/** RFC 8292 §2-3: `Authorization: vapid t=<JWT>, k=<public key>`; the JWT is ES256 over that key. */
function checkVapid(header: string | undefined): { audience: string; publicKey: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match?.[1] || !match[2]) throw new Error('no VAPID authorization');
  const [head, claims, signature] = match[1].split('.');
  if (!head || !claims || !signature) throw new Error('malformed VAPID JWT');
  const point = Buffer.from(match[2], 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) }, format: 'jwk' });
  const valid = verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!valid) throw new Error('VAPID signature does not verify');
  const parsed = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { aud: string; exp: number };
  if (parsed.exp * 1000 < Date.now()) throw new Error('VAPID JWT expired');
  return { audience: parsed.aud, publicKey: match[2] };
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * A local push service: hands out subscriptions whose endpoints point at itself, then receives,
 * checks and decrypts what is pushed to them, like a browser's push service and service worker.
 */
export async function startPushReceiver() {
  const subscribers = new Map<string, { privateKey: Buffer; publicKey: Buffer; auth: Buffer; answer: number }>();
  const received: ReceivedPush[] = [];
  const failures: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = req.url ?? '';
      const subscriber = subscribers.get(path);
      if (!subscriber) return res.writeHead(404).end();
      if (subscriber.answer !== 201) return res.writeHead(subscriber.answer).end();
      try {
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${req.headers['content-encoding']}`);
        const vapid = checkVapid(req.headers.authorization);
        const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
        received.push({ path, receivedAt: Date.now(), headers: { ttl: header('ttl'), urgency: header('urgency'), topic: header('topic') }, payload: decrypt(body, subscriber), audience: vapid.audience, vapidPublicKey: vapid.publicKey });
        res.writeHead(201).end();
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
        res.writeHead(400).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received: () => received.slice(),
    failures: () => failures.slice(),
    /** A new browser subscription (RFC 8291 §2: a P-256 key pair and a 16-byte auth secret). */
    subscribe(): PushSubscription {
      const ecdh = createECDH('prime256v1');
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      const path = `/push/${randomBytes(8).toString('hex')}`;
      subscribers.set(path, { privateKey: ecdh.getPrivateKey(), publicKey, auth, answer: 201 });
      return { endpoint: `${origin}${path}`, keys: { p256dh: b64u(publicKey), auth: b64u(auth) } };
    },
    /** Makes the push service answer `status` for this subscription from now on (410: unsubscribed). */
    answer(subscription: PushSubscription, status: number) {
      const entry = subscribers.get(new URL(subscription.endpoint).pathname);
      if (entry) entry.answer = status;
    },
    async waitForCount(count: number, timeoutMs = 10_000): Promise<ReceivedPush[]> {
      await pollUntil(() => received.length >= count, { timeoutMs, what: () => `${count} pushes arriving (got ${received.length}; failures: ${failures.join('; ')})` });
      return received.slice();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type PushReceiver = Awaited<ReturnType<typeof startPushReceiver>>;
