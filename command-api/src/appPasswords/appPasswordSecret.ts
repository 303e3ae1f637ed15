import { randomBytes } from 'node:crypto';

/** Lower-case letters and digits without the look-alikes 0/o and 1/l: 32 symbols, 5 bits each. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const GROUPS = 7;
const GROUP_LENGTH = 4;

/** Bits of entropy of a new app password: 7 × 4 symbols × 5 bits = 140 (≥ 128, so a plain SHA-256 of it is enough to keep). */
export const APP_PASSWORD_ENTROPY_BITS = GROUPS * GROUP_LENGTH * Math.log2(ALPHABET.length);

/**
 * A new app password as its owner is shown it once, in groups as Apple and Google show theirs
 * (`abcd-efgh-…`), to be typed into a calendar app. Each symbol is one random byte modulo 32: 256 is a
 * multiple of 32, so every symbol is equally likely. Checked in its normal form (shared-kernel's
 * `normaliseAppPassword`: any case, with or without the dashes).
 */
export function newAppPasswordSecret(): string {
  const bytes = randomBytes(GROUPS * GROUP_LENGTH);
  const symbols = [...bytes].map((byte) => ALPHABET[byte % ALPHABET.length]);
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i++) groups.push(symbols.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH).join(''));
  return groups.join('-');
}
