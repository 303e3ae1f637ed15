import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '@datebook/shared-kernel/testing';

/** A message's text with quoted-printable soft line breaks and escapes undone (RFC 2045 §6.7). */
function decoded(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** The .eml messages in `mailDir` addressed to `to`, decoded, oldest first. */
export function messagesTo(mailDir: string, to: string): string[] {
  let names: string[];
  try {
    names = readdirSync(mailDir).filter((name) => name.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return names.map((name) => decoded(readFileSync(join(mailDir, name), 'utf8'))).filter((message) => new RegExp(`^To: .*${to.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}`, 'im').test(message));
}

/** The token of the last link to `path` (e.g. `/users/verify-email/`) mailed to `to`, waiting for it up to `timeoutMs`. */
export async function linkTokenMailedTo(mailDir: string, to: string, path: string, timeoutMs = 10_000): Promise<string> {
  const pattern = new RegExp(`${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)`, 'g');
  let tokens: string[] = [];
  await pollUntil(() => (tokens = messagesTo(mailDir, to).flatMap((message) => [...message.matchAll(pattern)].map((match) => match[1] as string))).length > 0, {
    timeoutMs, pollMs: 25, what: `a mail to ${to} with a link to ${path}`,
  });
  return tokens.at(-1) as string;
}
