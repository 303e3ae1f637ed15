import type { IncomingMessage } from 'node:http';
import { type BodyErrors, readBoundedBody } from '../http/boundedBody';
import { bodyTooLarge, DavError, unsupportedBody } from './davError';

/** Whether the request carries a body at all (an empty one does not count). */
export const requestHasBody = (req: IncomingMessage): boolean =>
  req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;

const davBodyErrors = (limitBytes: number): BodyErrors => ({
  tooLarge: () => bodyTooLarge(limitBytes),
  unreadable: () => new DavError(400, 'the request body could not be read (a broken upload or content coding)'),
  unsupportedEncoding: (encoding) => unsupportedBody(`Content-Encoding ${encoding} is not supported`),
});

/**
 * A request body read in full up to `limitBytes`, counted on the decoded bytes (413 past it; see
 * readBoundedBody). A declared length over the limit is refused before a byte is read. Resolves to an
 * empty buffer when there is no body. Not for Express routes after a body parser has read the stream
 * (DAV bodies are not JSON, so none has).
 */
export function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  if (!requestHasBody(req)) return Promise.resolve(Buffer.alloc(0));
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) return Promise.reject(bodyTooLarge(limitBytes));
  // Something (a JSON body parser, for a body that said it was JSON) already read it: it is not ours to read.
  if (req.readableEnded) return Promise.reject(unsupportedBody('the body is not in a media type this resource takes'));
  return readBoundedBody(req, limitBytes, davBodyErrors(limitBytes));
}
