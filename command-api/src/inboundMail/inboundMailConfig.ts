import { type ReplyAddresses, replyAddressesFromConfig } from '@datebook/shared-kernel';
import type { EventStore } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import { z } from 'zod';
import { inboundReplies } from './inboundReplies';
import { type InboundMailListener, inboundMailListener } from './smtpReplies';

/** The settings of answers by mail, the same keys wherever the listener runs (command API, embedded default). */
export const inboundMailConfig = {
  INBOUND_MAIL_DOMAIN: z
    .string()
    .min(1)
    .max(253)
    .optional()
    .describe('Domain of the reply addresses (reply+<token>@ it): set it, with its mail routed to the listener, to record guests\' calendar answers (iMIP); unset: no listener, invitations name the host\'s own address. The notifier needs the same value'),
  INBOUND_MAIL_SECRET: z.string().min(32).optional().describe('Secret of the reply-address tokens, the same in the notifier; unset: derived from JWT_SECRET'),
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525).describe('Port of the inbound mail listener (with INBOUND_MAIL_DOMAIN)'),
  INBOUND_SMTP_HOST: z.string().default('127.0.0.1').describe('Interface of the inbound mail listener: loopback, behind the mail exchanger that receives the domain\'s mail'),
  INBOUND_MAIL_PROTOCOL: z.enum(['smtp', 'lmtp']).default('smtp').describe('SMTP, or LMTP (RFC 2033) for a local MTA that delivers to it'),
};

export interface InboundMailSettings {
  replyAddresses: ReplyAddresses;
  port: number;
  host: string;
  protocol: 'smtp' | 'lmtp';
}

/** The inbound mail settings of a process's config: undefined when INBOUND_MAIL_DOMAIN is unset. */
export function inboundMailSettings(config: {
  INBOUND_MAIL_DOMAIN?: string | undefined;
  INBOUND_MAIL_SECRET?: string | undefined;
  JWT_SECRET: string;
  INBOUND_SMTP_PORT: number;
  INBOUND_SMTP_HOST: string;
  INBOUND_MAIL_PROTOCOL: 'smtp' | 'lmtp';
}): InboundMailSettings | undefined {
  const replyAddresses = replyAddressesFromConfig(config);
  return replyAddresses && { replyAddresses, port: config.INBOUND_SMTP_PORT, host: config.INBOUND_SMTP_HOST, protocol: config.INBOUND_MAIL_PROTOCOL };
}

/** The listener of these settings over this store, not yet listening. */
export function inboundMailService(settings: InboundMailSettings, deps: { store: EventStore; clock: () => Date; logger: Logger }): InboundMailListener {
  return inboundMailListener({
    replies: inboundReplies({ store: deps.store, replyAddresses: settings.replyAddresses, clock: deps.clock }),
    domain: settings.replyAddresses.domain,
    port: settings.port,
    host: settings.host,
    protocol: settings.protocol,
    logger: deps.logger.child({ component: 'inbound-mail' }),
  });
}
