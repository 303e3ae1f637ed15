import type { RenderedEmail } from './emailContent';

/**
 * The account mails: the only mail an address gets before its owner confirms it. Whoever signs up
 * chooses the name and the address, so none of these carries any text the requester chose (no name,
 * no greeting): a stranger's sign-up cannot make Datebook mail someone words of the stranger's.
 */
export type AccountEmailKind = 'email-verification' | 'password-reset' | 'sign-up-attempt';

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function compose(to: string, subject: string, paragraphs: string[], link?: { url: string; label: string }): RenderedEmail {
  const text = [...paragraphs.flatMap((p, i) => (i === 0 && link ? [p, '', link.url] : [p])), ''].join('\n\n').replace(/\n{3,}/g, '\n\n');
  const html = [
    '<!doctype html><html><body>',
    ...paragraphs.map((p, i) => `<p>${escapeHtml(p)}</p>${i === 0 && link ? `\n<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` : ''}`),
    '</body></html>',
  ].join('\n');
  return { to, subject, text, html };
}

const until = (expiresAt: Date) => `${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "Confirm your address": a single-use link; the address gets nothing else from Datebook until it is followed. */
export function renderVerificationEmail(input: { to: string; link: string; expiresAt: Date }): RenderedEmail {
  return compose(
    input.to,
    'Confirm your e-mail address for Datebook',
    [
      'Someone, hopefully you, created a Datebook account with this address. To confirm that it is yours, send a POST request to the link below (your Datebook app does this when you open it).',
      `The link works once and until ${until(input.expiresAt)}.`,
      'If this was not you, ignore this message: Datebook sends nothing else to this address until it is confirmed.',
    ],
    { url: input.link, label: 'Confirm my address' },
  );
}

/** A single-use link to set a new password, good for one hour. */
export function renderPasswordResetEmail(input: { to: string; link: string; expiresAt: Date }): RenderedEmail {
  return compose(
    input.to,
    'Reset your Datebook password',
    [
      'Someone, hopefully you, asked to reset the password of the Datebook account with this address. To choose a new password, send it to the link below (your Datebook app does this when you open it).',
      `The link works once and until ${until(input.expiresAt)}. Setting a new password signs out every session of the account.`,
      'If this was not you, ignore this message: your password stays as it is.',
    ],
    { url: input.link, label: 'Choose a new password' },
  );
}

/** To the owner of an address someone else tried to sign up with (the sign-up was answered as if the address were new). */
export function renderSignUpAttemptEmail(input: { to: string; resetLink: string }): RenderedEmail {
  return compose(
    input.to,
    'Someone tried to sign up to Datebook with your address',
    [
      'Someone tried to create a Datebook account with this address, which already has one. Nothing was changed and no new account was made.',
      `If it was you and you forgot your password, ask for a reset link: POST ${input.resetLink} with your address. Otherwise there is nothing to do.`,
    ],
  );
}
