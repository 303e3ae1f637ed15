import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { DomainError } from '@datebook/shared-kernel';
import { type OutboundPolicy, permittedAddresses, type ResolvedAddress } from './outboundAddresses';

/** Bounds of one fetch of a subscription's source, redirects included. */
export interface SourceFetchLimits {
  /** Octets of the body, counted decoded. */
  maxBytes: number;
  /** The whole fetch, from the first lookup to the last octet. */
  timeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_SOURCE_FETCH_LIMITS: Readonly<SourceFetchLimits> = Object.freeze({ maxBytes: 10 * 1024 * 1024, timeoutMs: 10_000, maxRedirects: 5 });

/** What the last fetch saw, sent back so an unchanged source answers 304 (RFC 9110 §13.1.2, §13.1.3). */
export interface SourceValidators {
  etag: string | null;
  lastModified: string | null;
}

export type SourceFetchResult =
  | { status: 'notModified' }
  | { status: 'fetched'; body: string; etag: string | null; lastModified: string | null };

const failed = (message: string) => new DomainError('SUBSCRIPTION_FETCH_FAILED', message, [{ path: 'url', message }]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches a subscription's source with GET under `policy` (every hop's host checked, the connection made
 * to the checked address) and `limits`. Fails with SUBSCRIPTION_HOST_NOT_ALLOWED or SUBSCRIPTION_FETCH_FAILED.
 */
export async function fetchSource(url: string, validators: SourceValidators, policy: OutboundPolicy, limits: SourceFetchLimits = DEFAULT_SOURCE_FETCH_LIMITS): Promise<SourceFetchResult> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limits.timeoutMs);
  try {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      const addresses = await permittedAddresses(target, policy);
      if (deadline.signal.aborted) throw failed(`no answer within ${limits.timeoutMs / 1000} s`);
      const response = await get(target, addresses, validators, deadline.signal);
      const status = response.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        response.resume();
        const location = response.headers.location;
        if (!location || hop >= limits.maxRedirects) throw failed(location ? `more than ${limits.maxRedirects} redirects` : `a redirect (${status}) without a Location`);
        target = new URL(location, target);
        continue;
      }
      if (status === 304) {
        response.resume();
        return { status: 'notModified' };
      }
      if (status < 200 || status > 299) {
        response.resume();
        throw failed(`the source answered ${status}`);
      }
      const body = await readBody(response, limits, deadline.signal);
      return { status: 'fetched', body, etag: header(response, 'etag'), lastModified: header(response, 'last-modified') };
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw failed(deadline.signal.aborted ? `no answer within ${limits.timeoutMs / 1000} s` : `the source could not be read (${(error as Error).message})`);
  } finally {
    clearTimeout(timer);
  }
}

function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 1024 ? value : null;
}

function get(target: URL, addresses: ResolvedAddress[], validators: SourceValidators, signal: AbortSignal): Promise<IncomingMessage> {
  // The connection goes to the addresses just checked: Node asks this instead of resolving the name again.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, addresses);
    else callback(null, (addresses[0] as ResolvedAddress).address, (addresses[0] as ResolvedAddress).family);
  };
  const headers: Record<string, string> = {
    'User-Agent': 'Datebook calendar subscription',
    Accept: 'text/calendar, */*;q=0.5',
    'Accept-Encoding': 'gzip, deflate, br',
  };
  if (validators.etag) headers['If-None-Match'] = validators.etag;
  if (validators.lastModified) headers['If-Modified-Since'] = validators.lastModified;
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'GET', headers, lookup, signal, agent: false, maxHeaderSize: 64 * 1024 }, resolve);
    req.once('error', reject);
    req.end();
  });
}

/** The body as UTF-8 text (RFC 5545 §6), decoded from its Content-Encoding, refused past `maxBytes` decoded octets. */
function readBody(response: IncomingMessage, limits: SourceFetchLimits, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers['content-length'] ?? 0);
  if (declared > limits.maxBytes) {
    response.destroy();
    return Promise.reject(failed(`the source is larger than ${limits.maxBytes} octets`));
  }
  const encoding = (response.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder && encoding !== 'identity') {
    response.destroy();
    return Promise.reject(failed(`the source's Content-Encoding ${encoding} is not supported`));
  }
  const stream: Readable = decoder ? response.pipe(decoder) : response;
  return new Promise((resolve, reject) => {
    // Decoded as it arrives, a chunk at a time: a few MB decoded (and copied) at the end held the loop for tens of ms.
    const text = new TextDecoder('utf-8');
    const pieces: string[] = [];
    let length = 0;
    const stop = (error: Error) => {
      response.destroy();
      decoder?.destroy();
      reject(error);
    };
    signal.addEventListener('abort', () => stop(failed(`no answer within ${limits.timeoutMs / 1000} s`)), { once: true });
    stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      // Past the limit the decoder stops at once: inflating what will be thrown away is all a bomb costs.
      if (length > limits.maxBytes) stop(failed(`the source is larger than ${limits.maxBytes} octets`));
      else pieces.push(text.decode(chunk, { stream: true }));
    });
    stream.once('end', () => {
      pieces.push(text.decode());
      resolve(pieces.join(''));
    });
    stream.once('error', (error) => stop(failed(`the source could not be read (${error.message})`)));
    response.once('error', (error) => stop(failed(`the source could not be read (${error.message})`)));
  });
}
