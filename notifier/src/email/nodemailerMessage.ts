import type { SendMailOptions } from 'nodemailer';
import type { MailMessage } from './mailTransport';

/**
 * A header field's value on one line: RFC 5322 §2.2 ends a field at CRLF, so a line break in a value
 * (from a title or a name) would start a header of the sender's choosing. The content is already
 * single-line (emailContent's `oneLine`); this is the last guard before the wire.
 */
const headerValue = (value: string): string => value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');

/**
 * The MIME shape of an iMIP message (RFC 6047 §2.4): multipart/alternative with text, HTML and one
 * `text/calendar; method=…` part. nodemailer's `icalEvent` also attaches the same object once as
 * `invite.ics` (application/ics) for clients that look only at attachments; adding another would send
 * the invitation twice.
 */
export function toNodemailer(message: MailMessage): SendMailOptions {
  const { calendar } = message;
  return {
    messageId: message.messageId,
    from: headerValue(message.from),
    to: headerValue(message.to),
    ...(message.replyTo ? { replyTo: headerValue(message.replyTo) } : {}),
    subject: headerValue(message.subject),
    text: message.text,
    html: message.html,
    ...(message.headers ? { headers: message.headers } : {}),
    ...(calendar ? { icalEvent: { method: calendar.method, content: calendar.content } } : {}),
  };
}
