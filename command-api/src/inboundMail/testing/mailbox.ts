import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';

/** A message the notifier wrote, as a mail client reads it. */
export interface ReadMail {
  to: string;
  subject: string;
  replyTo: string | undefined;
  text: string;
  /** The text/calendar part, unfolded (RFC 5545 §3.1). */
  calendar: string;
}

const addressesOf = (field: unknown): string => {
  const list = Array.isArray(field) ? field : field === undefined ? [] : [field];
  return list.flatMap((entry: { value?: { address?: string }[] }) => entry.value?.map((v) => v.address ?? '') ?? []).join(', ');
};

/** The .eml messages in `mailDir` (the embedded default's mail folder) to `address`, oldest first. */
export async function mailsTo(mailDir: string, address: string): Promise<ReadMail[]> {
  let names: string[];
  try {
    names = readdirSync(mailDir).filter((name) => name.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  const mails: ReadMail[] = [];
  for (const name of names) {
    const parsed = await simpleParser(readFileSync(join(mailDir, name)));
    const to = addressesOf(parsed.to);
    if (!to.toLowerCase().split(', ').includes(address.toLowerCase())) continue;
    const calendar = parsed.attachments.find((part) => part.contentType === 'text/calendar')?.content.toString('utf8') ?? '';
    mails.push({ to, subject: parsed.subject ?? '', replyTo: addressesOf(parsed.replyTo) || undefined, text: parsed.text ?? '', calendar: calendar.replace(/\r?\n[ \t]/g, '') });
  }
  return mails;
}
