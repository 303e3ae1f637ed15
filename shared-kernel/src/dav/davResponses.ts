import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { davErrorResponse, DavError } from './davError';

/** Sends a DavError (headers already set on `res`, such as Allow, are kept). */
export function sendDavError(res: ServerResponse, error: DavError): void {
  const { status, contentType, body } = davErrorResponse(error);
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Sends a 207 Multi-Status body (RFC 4918 §13) written whole. */
export function sendMultistatus(res: ServerResponse, body: string): void {
  res.statusCode = 207;
  res.setHeader('Content-Type', 'application/xml; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Where a long answer's pieces go as they are written: resolves when the socket can take more. */
export type PieceSink = (piece: string) => Promise<void>;

/**
 * Streams a body to the client piece by piece as `produce` writes it (chunked, RFC 9112 §7.1), waiting
 * for the socket to drain between pieces: a 10,000-event answer is never held whole, and writing it never
 * holds up the event loop. Nothing is sent before the first piece, so what `produce` refuses before
 * writing (a DavError) still gets its own status; a failure after that ends the connection.
 */
export async function streamBody(res: ServerResponse, status: number, contentType: string, produce: (emit: PieceSink) => Promise<void>): Promise<void> {
  const emit: PieceSink = async (piece) => {
    if (piece.length === 0) return;
    if (!res.headersSent) {
      res.statusCode = status;
      res.setHeader('Content-Type', contentType);
    }
    if (!res.write(piece)) await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        res.off('drain', drained);
        res.off('close', closed);
        if (error) reject(error);
        else resolve();
      };
      const drained = () => settle();
      const closed = () => settle(new Error('the client went away'));
      res.once('drain', drained);
      res.once('close', closed);
    });
  };
  await produce(emit);
  if (!res.headersSent) {
    res.statusCode = status;
    res.setHeader('Content-Type', contentType);
  }
  res.end();
}

/** A multistatus streamed as `produce` writes it (see streamBody). */
export const streamMultistatus = (res: ServerResponse, produce: (emit: PieceSink) => Promise<void>): Promise<void> =>
  streamBody(res, 207, 'application/xml; charset=utf-8', produce);

/**
 * The error handler of DAV routers: a DavError becomes a DAV error body; anything else goes on to the
 * service's problem-details handler (a 401's Basic challenge is set by `requireUser(tokens, { offerBasic: true })`).
 */
export const davErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent || !(error instanceof DavError)) return next(error);
  return sendDavError(res, error);
};
