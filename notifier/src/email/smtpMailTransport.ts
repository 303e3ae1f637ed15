import nodemailer from 'nodemailer';
import { MailDeliveryError, type MailTransport } from './mailTransport';
import { toNodemailer } from './nodemailerMessage';

export interface SmtpOptions {
  /** Connections kept open to the server; sends beyond that wait for a free one. */
  maxConnections?: number;
  /** Milliseconds to wait for a connection or a reply before counting the attempt as failed (and retryable). */
  timeoutMs?: number;
}

/** RFC 5321 §4.2.1: 5yz is a permanent refusal; 4yz, timeouts and lost connections may pass later. */
function classify(error: unknown): MailDeliveryError {
  const code = typeof error === 'object' && error !== null ? (error as { responseCode?: unknown }).responseCode : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'number') return new MailDeliveryError(message, code >= 500 && code < 600, code);
  return new MailDeliveryError(message, false);
}

/** MailTransport over SMTP (`smtp://` or `smtps://` URL) through a pool of nodemailer connections. */
export function smtpMailTransport(url: string, options: SmtpOptions = {}): MailTransport {
  const timeout = options.timeoutMs ?? 15_000;
  const transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: Number.POSITIVE_INFINITY,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  let closed = false;
  return {
    async send(message) {
      if (closed) throw new MailDeliveryError('the transport is closed', false);
      try {
        const info = await transporter.sendMail(toNodemailer(message));
        if (info.rejected.length > 0) throw Object.assign(new Error(`recipient refused: ${info.response}`), { responseCode: 550 });
        return { response: info.response };
      } catch (error) {
        throw classify(error);
      }
    },
    async close() {
      closed = true;
      transporter.close();
    },
  };
}
