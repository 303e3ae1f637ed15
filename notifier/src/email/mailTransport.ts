import type { ItipMethod } from '../calendarEvents/whoGetsWhat';

/** One e-mail: readable text and HTML, and for event mail an iMIP calendar part (RFC 6047). */
export interface MailMessage {
  /** RFC 5322 Message-ID, stable per ledger entry: a resend after a crash can be recognised as the same message. */
  messageId: string;
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** Sent as `text/calendar; method=<method>` (RFC 6047 §2.4), so mail clients show it as an invitation. */
  calendar?: { method: ItipMethod; content: string };
  headers?: Record<string, string>;
}

export interface MailReceipt {
  /** The server's answer or where the message was written. */
  response: string;
}

/** A failed send: `permanent` when trying again cannot help (RFC 5321 §4.2.1: 5yz replies). */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

/**
 * Hands e-mail to whatever delivers it. Contract (checked by `mailTransportContract`):
 * - `send` resolves once the message is accepted for delivery (an SMTP 250 to DATA, a file on disk),
 *   with the MIME structure intact: text, HTML and the calendar part with its method;
 * - it rejects with MailDeliveryError: `permanent` for a refusal that will not change (a 5xx), not
 *   permanent when the server is unreachable or answers 4xx, so the caller may try again later;
 * - a transport that was unreachable works again once the other side is back, without a restart;
 * - `close` ends open connections; no send is accepted after it.
 */
export interface MailTransport {
  send(message: MailMessage): Promise<MailReceipt>;
  close(): Promise<void>;
}
