import { type Attachment, simpleParser } from 'mailparser';

/** Only what the reader needs of a message: no HTML converted, no links made, no checksums. */
const PARSE_OPTIONS = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, checksumAlgo: false } as const;

const charsetOf = (part: Attachment): string => {
  const contentType = part.headers.get('content-type');
  const params = typeof contentType === 'object' && contentType !== null && 'params' in contentType ? (contentType.params as Record<string, string>) : {};
  return params.charset ?? 'utf-8';
};

function decode(part: Attachment): string {
  try {
    return new TextDecoder(charsetOf(part)).decode(part.content);
  } catch {
    // An unknown charset label: RFC 5545 §3.1.4 says UTF-8 anyway.
    return new TextDecoder('utf-8').decode(part.content);
  }
}

const isCalendar = (part: Attachment) => part.contentType.toLowerCase() === 'text/calendar';
const isIcsFile = (part: Attachment) => part.contentType.toLowerCase() === 'application/ics' || /\.ics$/i.test(part.filename ?? '');

/**
 * The iCalendar object of an iMIP message (RFC 6047 §2.4): its text/calendar part, else an attached .ics
 * (some clients send only that); undefined when it has neither. Outlook and Google put the same object in
 * both; the text/calendar part is the one RFC 6047 names, so it wins.
 */
export async function calendarPartOf(message: Buffer): Promise<string | undefined> {
  const parsed = await simpleParser(message, PARSE_OPTIONS);
  const part = parsed.attachments.find(isCalendar) ?? parsed.attachments.find(isIcsFile);
  return part === undefined ? undefined : decode(part);
}
