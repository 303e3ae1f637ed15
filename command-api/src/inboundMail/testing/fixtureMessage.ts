import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type FixtureName = 'thunderbird-accept' | 'thunderbird-occurrence-decline' | 'outlook-accept' | 'outlook-counter' | 'gmail-tentative';

export interface FixtureValues {
  REPLY_ADDRESS: string;
  ATTENDEE: string;
  ATTENDEE_NAME?: string;
  UID: string;
  SEQUENCE: number;
  TITLE?: string;
  RECURRENCE_ID?: string;
  RECURRENCE_END?: string;
}

/** RFC 2045 §6.8: base64 in lines of at most 76 characters. */
const base64Lines = (text: string): string => (Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\n');

/**
 * One of testdata/*.eml as its client would send it for these values (see testdata/README.md): placeholders
 * filled in, `{{BASE64-BEGIN}}`…`{{BASE64-END}}` blocks encoded, every line ended with CRLF (RFC 5322 §2.1).
 */
export function fixtureMessage(name: FixtureName, values: FixtureValues): Buffer {
  const template = readFileSync(join(__dirname, '..', 'testdata', `${name}.eml`), 'utf8');
  const all: Record<string, string> = { ATTENDEE_NAME: values.ATTENDEE.split('@')[0] ?? 'guest', TITLE: 'Planning', ...values, SEQUENCE: String(values.SEQUENCE) } as Record<string, string>;
  const filled = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => all[key] ?? whole);
  const encoded = filled.replace(/\{\{BASE64-BEGIN\}\}\r?\n([\s\S]*?)\{\{BASE64-END\}\}\r?\n/g, (_whole, body: string) => `${base64Lines(body)}\n`);
  return Buffer.from(encoded.replace(/\r?\n/g, '\r\n'), 'utf8');
}
