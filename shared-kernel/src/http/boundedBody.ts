import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** The errors a reader answers with: each kind of route (JSON, WebDAV) has its own problem bodies. */
export interface BodyErrors {
  tooLarge(): Error;
  /** A broken upload, or a content coding that does not decode. */
  unreadable(): Error;
  unsupportedEncoding(encoding: string): Error;
}

/** The body's decoder for its Content-Encoding, or none for identity; refuses any other coding. */
function decoderFor(req: IncomingMessage, errors: BodyErrors): Transform | undefined {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  throw errors.unsupportedEncoding(encoding);
}

/**
 * A request body read in full, refused past `limitBytes` counted on the decoded bytes. At the limit the
 * decoder is destroyed at once: a few KB of brotli can inflate to gigabytes, and inflating what will be
 * thrown away is the whole cost of such a bomb. What is left of the raw body is drained undecoded (cheap,
 * and the connection's next request can still be parsed). The one body reader of the JSON and DAV routes.
 */
export function readBoundedBody(req: IncomingMessage, limitBytes: number, errors: BodyErrors): Promise<Buffer> {
  let decoder: Transform | undefined;
  try {
    decoder = decoderFor(req, errors);
  } catch (error) {
    return Promise.reject(error);
  }
  const stream: Readable = decoder ?? req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      stream.removeListener('data', onData);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, length));
    };
    const stop = (error: Error) => {
      settle(error);
      if (decoder) {
        req.unpipe(decoder);
        decoder.destroy();
      }
      req.resume();
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limitBytes) stop(errors.tooLarge());
      else chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('end', () => settle());
    stream.once('error', () => stop(errors.unreadable()));
    if (decoder) {
      req.once('error', () => stop(errors.unreadable()));
      req.pipe(decoder);
    }
  });
}
