// Answers by mail (inbound iMIP, RFC 6047): the reply-address listener and what it applies.
export * from './inboundMailConfig';
export { inboundReplies, type InboundReplies, type ReplyOutcome } from './inboundReplies';
export { type InboundMailListener, inboundMailListener, MAX_MESSAGE_BYTES } from './smtpReplies';
