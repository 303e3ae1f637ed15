// iMIP (RFC 6047): the reply addresses invitations name and the inbound listener accepts.
export * from './replyAddress';
export * from './addressPrincipal';
