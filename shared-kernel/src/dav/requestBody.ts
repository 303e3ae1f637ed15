import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { bodyTooLarge, DavError, unsupportedBody } from './davError';

/** Whether the request carries a body at all (an empty one does not count). */
export const requestHasBody = (req: IncomingMessage): boolean =>
  req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;

const unreadableBody = () => new DavError(400, 'the request body could not be read (a broken upload or content coding)');

function decoderFor(req: IncomingMessage): Transform | undefined {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  throw unsupportedBody(`Content-Encoding ${encoding} is not supported`);
}

/**
 * A request body read in full up to `limitBytes`, counted on the decoded bytes (413 past it). A declared
 * length over the limit is refused before a byte is read; at the limit the decoder is destroyed at once
 * (a few KB of brotli can inflate to gigabytes) and the rest of the raw body is drained undecoded, so the
 * connection's next request can still be parsed. Resolves to an empty buffer when there is no body.
 * Not for Express routes after a body parser has read the stream (DAV bodies are not JSON, so none has).
 */
export function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  if (!requestHasBody(req)) return Promise.resolve(Buffer.alloc(0));
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) return Promise.reject(bodyTooLarge(limitBytes));
  // Something (a JSON body parser, for a body that said it was JSON) already read it: it is not ours to read.
  if (req.readableEnded) return Promise.reject(unsupportedBody('the body is not in a media type this resource takes'));
  let decoder: Transform | undefined;
  try {
    decoder = decoderFor(req);
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
      if (length > limitBytes) stop(bodyTooLarge(limitBytes));
      else chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('end', () => settle());
    stream.once('error', () => stop(unreadableBody()));
    if (decoder) {
      req.once('error', () => stop(unreadableBody()));
      req.pipe(decoder);
    }
  });
}
