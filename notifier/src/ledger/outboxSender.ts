import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { backgroundLoop } from '../background/loop';
import { deviceByID, forgetDevice } from '../devices/deviceRegistry';
import { PushDeliveryError, type PushTransport } from '../devices/pushTransport';
import type { RenderedEmail } from '../email/emailContent';
import { MailDeliveryError, type MailTransport } from '../email/mailTransport';
import { redactEmail } from '../logging/redact';
import { type RetryPolicy, retryDelayMs } from './backoff';
import type { PushEnvelope } from './entries';
import { type ClaimedEntry, claimDue, markFailed, markSent, scheduleRetry } from './ledger';

export interface OutboxSenderOptions {
  db: SqlDatabase;
  mail: MailTransport;
  push: PushTransport;
  clock: () => Date;
  logger: Logger;
  /** The From of every e-mail, e.g. `Datebook <calendar@datebook.example>`. */
  mailFrom: string;
  retry: RetryPolicy;
  /** How long a claimed entry stays with this sender before another may take it (a crashed sender's entries come back after this). */
  leaseMs: number;
  batchSize: number;
  /** Sends in flight at once. */
  concurrency: number;
  pollMs: number;
}

type Outcome = { kind: 'sent' } | { kind: 'failed'; reason: string } | { kind: 'retry'; reason: string };

/**
 * Sends what the ledger holds, oldest due first, each entry by a leased claim. A send that fails for
 * a while (SMTP down) is tried again with backoff until it goes through or `giveUpAfterMs` has passed;
 * a permanent refusal (5xx, push subscription gone) is recorded as failed at once.
 *
 * The one window left: a crash after the server accepted a message but before it was marked sent
 * sends it again after the lease; the Message-ID is the same, so mail clients show it once.
 */
export function outboxSender(options: OutboxSenderOptions) {
  const { db, logger } = options;

  async function deliver(entry: ClaimedEntry): Promise<Outcome> {
    if (entry.channel === 'email') {
      const email = entry.payload as RenderedEmail;
      try {
        await options.mail.send({ ...email, from: options.mailFrom, messageId: `<${entry.id}.${entry.eventID}@datebook>`, headers: { 'X-Datebook-Notification': `${entry.kind}` } });
        return { kind: 'sent' };
      } catch (error) {
        const failure = error instanceof MailDeliveryError ? error : new MailDeliveryError(String(error), false);
        logger.warn({ notificationID: entry.id, to: redactEmail(email.to), permanent: failure.permanent, responseCode: failure.responseCode, err: failure }, 'e-mail not sent');
        return failure.permanent ? { kind: 'failed', reason: failure.message } : { kind: 'retry', reason: failure.message };
      }
    }
    const device = await deviceByID(db, entry.deviceID);
    if (!device) return { kind: 'failed', reason: 'the device was removed' };
    const envelope = entry.payload as PushEnvelope;
    try {
      const { message, ...push } = envelope;
      await options.push.send(device.subscription, JSON.stringify(message), push);
      return { kind: 'sent' };
    } catch (error) {
      // The ledger (which the host reads) gets the transport's generic reason, never an error's own text.
      const failure = error instanceof PushDeliveryError ? error : new PushDeliveryError('the push could not be sent', false, false);
      logger.warn({ notificationID: entry.id, deviceID: entry.deviceID, statusCode: failure.statusCode, gone: failure.gone, err: error }, 'push not sent');
      if (failure.gone) await forgetDevice(db, entry.deviceID);
      return failure.permanent ? { kind: 'failed', reason: failure.message } : { kind: 'retry', reason: failure.message };
    }
  }

  async function settle(entry: ClaimedEntry, outcome: Outcome): Promise<void> {
    const now = options.clock();
    if (outcome.kind === 'sent') return markSent(db, entry.id, now);
    if (outcome.kind === 'failed') return markFailed(db, entry.id, outcome.reason);
    if (now.getTime() - entry.createdAt.getTime() > options.retry.giveUpAfterMs) return markFailed(db, entry.id, `gave up after ${entry.attempts} attempts: ${outcome.reason}`);
    return scheduleRetry(db, entry.id, new Date(now.getTime() + retryDelayMs(options.retry, entry.attempts)), outcome.reason);
  }

  async function tick(): Promise<boolean> {
    const claimed = await claimDue(db, options.clock(), options.leaseMs, options.batchSize);
    if (claimed.length === 0) return false;
    let next = 0;
    const worker = async () => {
      for (let entry = claimed[next++]; entry !== undefined; entry = claimed[next++]) {
        await settle(entry, await deliver(entry));
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, claimed.length) }, worker));
    return claimed.length === options.batchSize;
  }

  return backgroundLoop({ tick, idleMs: options.pollMs, errorMs: 1_000, onError: (err) => logger.error({ err }, 'outbox sender failed; retrying') });
}
