import type { SendMailOptions } from 'nodemailer';
import type { MailMessage } from './mailTransport';

/**
 * The MIME shape of an iMIP message (RFC 6047 §2.4): multipart/alternative with text, HTML and a
 * `text/calendar; method=…` part, plus the same object as an `invite.ics` attachment for clients
 * that look only at attachments.
 */
export function toNodemailer(message: MailMessage): SendMailOptions {
  const { calendar } = message;
  return {
    messageId: message.messageId,
    from: message.from,
    to: message.to,
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    subject: message.subject,
    text: message.text,
    html: message.html,
    ...(message.headers ? { headers: message.headers } : {}),
    ...(calendar
      ? {
          icalEvent: { method: calendar.method, content: calendar.content },
          attachments: [{ filename: 'invite.ics', content: calendar.content, contentType: `application/ics; method=${calendar.method}` }],
        }
      : {}),
  };
}
