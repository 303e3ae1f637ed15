import type { AccessRole } from '@datebook/shared-kernel';
import { oneLine, type RenderedEmail } from '../email/emailContent';

/** What each role lets the grantee do, in plain words ("You can now …"). */
export const ROLE_IN_WORDS: Record<AccessRole, string> = {
  freeBusyReader: 'see when it is busy (free/busy only, not the event details)',
  reader: 'see all event details',
  writer: 'see all event details and make changes to events',
  owner: 'make changes to events and manage sharing',
};

export interface CalendarShared {
  /** The grantee's address. */
  to: string;
  sharer: { name: string; email: string };
  /** The calendar's summary when access was given. */
  calendarName: string;
  role: AccessRole;
  /** Where the calendar is seen in Datebook. */
  link: string;
  /** The address has no account yet: the grantee is told to sign up with it. */
  toAddressWithoutAccount: boolean;
}

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * "Ann shared the calendar “Family” with you": who, which calendar, what the grantee may now do, and
 * the link. The sharer's name and the calendar's summary are the sharer's words: they are kept to one
 * line (a summary cannot start a header of its own, RFC 5322 §2.2) and escaped in the HTML part.
 */
export function renderCalendarSharedEmail(input: CalendarShared): RenderedEmail {
  const sharer = oneLine(input.sharer.name) || input.sharer.email;
  const headline = `${sharer} shared the calendar “${oneLine(input.calendarName)}” with you`;
  const paragraphs = [
    `${headline}. You can now ${ROLE_IN_WORDS[input.role]}.`,
    ...(input.toAddressWithoutAccount
      ? [`This address has no Datebook account yet. Sign up with this address (${input.to}) to see the calendar: it is shared with the account you make with it.`]
      : []),
    `Replies to this message go to ${sharer} (${input.sharer.email}).`,
  ];
  const [first, ...rest] = paragraphs;
  const text = [first, input.link, ...rest, ''].join('\n\n');
  const html = [
    '<!doctype html><html><body>',
    `<p>${escapeHtml(first ?? '')}</p>`,
    `<p><a href="${escapeHtml(input.link)}">${escapeHtml('Open the calendar')}</a></p>`,
    ...rest.map((p) => `<p>${escapeHtml(p)}</p>`),
    '</body></html>',
  ].join('\n');
  return { to: input.to, replyTo: input.sharer.email, subject: headline, text, html };
}
