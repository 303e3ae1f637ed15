import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { type SMTPServerDataStream, type SMTPServerSession, SMTPServer } from 'smtp-server';
import type { InboundReplies, ReplyOutcome } from './inboundReplies';

/** RFC 6047 iMIP answers are small: an iCalendar REPLY and a short text (plus HTML) part. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
// SMTP: one recipient per transaction, as a message has one reply over SMTP (RFC 5321 §4.5.3.1.10: the
// client sends the rest later); LMTP answers each recipient on its own (RFC 2033 §4.2).
const LMTP_MAX_RECIPIENTS = 20;
const MAX_CLIENTS = 50;

export interface InboundMailListenerOptions {
  replies: InboundReplies;
  /** The reply domain: RCPT TO of any other is refused as relaying. */
  domain: string;
  port: number;
  host: string;
  /** SMTP (RFC 5321) for a mail exchanger in front or direct delivery; LMTP (RFC 2033) behind a local MTA. */
  protocol: 'smtp' | 'lmtp';
  logger: Logger;
}

const smtpError = (code: number, text: string): Error & { responseCode: number } => Object.assign(new Error(text), { responseCode: code });

/**
 * The answer to one recipient's message. Every refusal is a 550 at the end of DATA, never a 250 and a
 * silent drop: RFC 5321 §6.1 makes a server that accepts a message responsible for delivering it or
 * saying it did not, and refusing inside the session has the sending system tell its own user (its
 * bounce goes to its own user, so this creates no backscatter to forged senders, RFC 5321 §6.2 / RFC 3834).
 * The person then learns their answer did not count (the invitation changed, or they must answer from the
 * invitation they got) instead of believing it did. Failures that may pass (the store is down) are 451, so
 * the sending system keeps the message and tries again (§4.2.5): no accepted answer is lost.
 */
function responseTo(outcome: ReplyOutcome): string | Error {
  switch (outcome.kind) {
    case 'recorded':
      return outcome.changed ? 'OK: answer recorded' : 'OK: answer already recorded';
    case 'retry':
      return smtpError(451, 'Temporary failure: the answer could not be recorded now; try again later');
    case 'refused':
      return smtpError(550, `Refused: ${PUBLIC_REASON[outcome.reason]}`);
  }
}

/** What the sender is told. Forged and misdirected tokens read alike: the address says no more than that it refuses. */
const PUBLIC_REASON: Record<Extract<ReplyOutcome, { kind: 'refused' }>['reason'], string> = {
  NOT_ITIP: 'this address takes calendar answers (iMIP REPLY) only; write to the organizer directly',
  UNREADABLE_CALENDAR: 'the calendar part is not readable iCalendar',
  COUNTER_NOT_ACCEPTED: 'proposing another time is not taken by mail; write to the organizer',
  NOT_A_REPLY: 'only calendar answers (METHOD:REPLY) are taken here',
  MALFORMED_REPLY: 'a calendar answer names exactly one attendee and one event',
  FORGED_TOKEN: 'this answer does not match the invitation sent to this address',
  WRONG_ATTENDEE: 'this answer does not match the invitation sent to this address',
  UNKNOWN_EVENT: 'no such event',
  UID_MISMATCH: 'this answer is for another event',
  STALE_SEQUENCE: 'the event changed since this invitation; answer the latest invitation',
  UNKNOWN_SEQUENCE: 'this answer is for a version of the event that was never sent',
  NOT_AN_ATTENDEE: 'this address is not on the guest list',
  UNSUPPORTED_PARTSTAT: 'only accepted, declined and tentative answers are taken',
  NO_SUCH_OCCURRENCE: 'no such occurrence of the event',
  EVENT_CANCELLED: 'the event was cancelled',
};

/** Reads the message, stopping to keep bytes past the limit (the server answers 552 for those itself). */
function readMessage(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      if (length + chunk.length <= MAX_MESSAGE_BYTES) chunks.push(chunk);
      length += chunk.length;
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * The inbound mail listener (smtp-server): takes messages for the reply addresses of `domain` only
 * (refused at RCPT TO otherwise, so it is never an open relay), at most 1 MiB, without AUTH. Each message is
 * applied before the DATA reply, so 250 means the answer is recorded. TLS is for the mail exchanger in front
 * (the listener is on loopback by default).
 */
export function inboundMailListener(options: InboundMailListenerOptions) {
  const { replies, logger } = options;
  const domain = options.domain.toLowerCase();
  const lmtp = options.protocol === 'lmtp';
  const server = new SMTPServer({
    lmtp,
    name: domain,
    banner: 'Datebook calendar answers',
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    maxClients: MAX_CLIENTS,
    maxRecipients: lmtp ? LMTP_MAX_RECIPIENTS : 1,
    socketTimeout: 60_000,
    logger: false,
    onRcptTo(address, _session, callback) {
      const recipient = address.address;
      const at = recipient.lastIndexOf('@');
      // RFC 5321 §3.6.2: a server that is not a relay refuses other domains (550, relaying denied).
      if (at < 0 || recipient.slice(at + 1).toLowerCase() !== domain) return callback(smtpError(550, 'Relaying denied: this server takes mail for its reply addresses only'));
      if (!replies.accepts(recipient)) return callback(smtpError(550, 'No such mailbox'));
      return callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      readMessage(stream)
        .then(async (message) => {
          // The server answers 552 itself for an oversized message (rejectOversized): nothing to apply.
          if (stream.sizeExceeded) return callback(null, 'ignored');
          const results: (string | Error)[] = [];
          for (const { address } of session.envelope.rcptTo) {
            const outcome = await replies.receive(address, message);
            const log = { outcome: outcome.kind, eventID: outcome.eventID, session: session.id, remoteAddress: session.remoteAddress };
            if (outcome.kind === 'recorded') logger.info({ ...log, attendee: outcome.attendee, changed: outcome.changed }, 'answer by mail recorded');
            else if (outcome.kind === 'refused') logger.warn({ ...log, reason: outcome.reason, detail: outcome.detail }, 'answer by mail refused');
            else logger.error({ ...log, err: outcome.error }, 'answer by mail not recorded now; the sender is asked to retry');
            results.push(responseTo(outcome));
          }
          if (lmtp) return callback(null, results);
          const [only] = results;
          return only instanceof Error ? callback(only) : callback(null, only);
        })
        .catch((error: unknown) => {
          logger.error({ err: error, session: session.id }, 'inbound message could not be read');
          callback(smtpError(451, 'Temporary failure; try again later'));
        });
    },
  });
  server.on('error', (err) => logger.error({ err }, 'inbound mail listener error'));

  return {
    /** Listens; resolves with the port (the one given, or the one the system chose for port 0). */
    start(): Promise<number> {
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.server.once('error', onError);
        server.listen(options.port, options.host, () => {
          server.server.off('error', onError);
          const port = (server.server.address() as AddressInfo).port;
          logger.info({ port, host: options.host, protocol: options.protocol, domain }, 'inbound mail listener ready');
          resolve(port);
        });
      });
    },
    /** Stops taking connections and waits for the open ones to end (smtp-server closes idle ones). */
    stop(): Promise<void> {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type InboundMailListener = ReturnType<typeof inboundMailListener>;
