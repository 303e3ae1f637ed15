import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { redactEmail } from '../logging/redact';
import { MailDeliveryError, type MailTransport } from './mailTransport';
import { toNodemailer } from './nodemailerMessage';

/**
 * The embedded default without SMTP: each message is composed exactly as it would be sent and written
 * as an RFC 5322 `.eml` file (CRLF line ends) that any mail client opens. The write is atomic (temp
 * file, then rename), so a reader never sees half a message.
 *
 * Mail is private: the folder is 0700 and every file 0600, whatever the process umask (a mode given at
 * creation is masked by it, and an existing folder keeps its mode, so both are set again with chmod).
 */
export function emlFileMailTransport(directory: string, logger: Logger): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let closed = false;
  return {
    async send(message) {
      if (closed) throw new MailDeliveryError('the transport is closed', false);
      const info = await composer.sendMail(toNodemailer(message));
      const raw = info.message;
      if (!Buffer.isBuffer(raw)) throw new MailDeliveryError('the message could not be composed', true);
      await mkdir(directory, { recursive: true, mode: 0o700 });
      await chmod(directory, 0o700);
      const safeId = message.messageId.replace(/[^A-Za-z0-9.@_-]/g, '');
      const file = join(directory, `${Date.now()}-${safeId}.eml`);
      const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, raw, { mode: 0o600 });
      await chmod(temp, 0o600);
      await rename(temp, file);
      logger.info({ file, messageId: message.messageId, to: redactEmail(message.to), subject: message.subject }, 'e-mail written to file');
      return { response: `written to ${file}` };
    },
    async close() {
      closed = true;
    },
  };
}
