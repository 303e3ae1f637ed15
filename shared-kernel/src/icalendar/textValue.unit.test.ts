import { foldLine } from './fold';
import { escapeText, textAsWritten, unescapeText } from './textValue';

const octets = (text: string) => new TextEncoder().encode(text).length;

describe('TEXT values (RFC 5545 §3.3.11)', () => {
  it('escapes backslash, semicolon, comma and every kind of line break', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg\u2028h')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng\\nh');
    expect(escapeText('tab\tstays, bell\u0007 goes')).toBe('tab\tstays\\, bell goes');
  });

  it('unescapes what it escapes, \\N too, and keeps other pairs as their second character', () => {
    const text = 'Planning; budget, Q1 \\ review\nsecond line';
    expect(unescapeText(escapeText(text))).toBe(text);
    expect(unescapeText('one\\Ntwo \\: three\\')).toBe('one\ntwo : three\\');
  });

  it('says what a text reads back as after writing', () => {
    expect(textAsWritten('a\r\nb\u0001c')).toBe('a\nbc');
  });
});

describe('folding (RFC 5545 §3.1)', () => {
  it('leaves short lines alone', () => {
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short');
  });

  it.each([
    ['ASCII', 'x'.repeat(300)],
    ['two-octet characters', 'ü'.repeat(200)],
    ['three-octet characters', '日本語'.repeat(70)],
    ['four-octet characters (surrogate pairs)', '📚🎉'.repeat(60)],
    ['a mix shifting the boundaries', 'aé日📚'.repeat(50)],
  ])('folds %s at 75 octets without splitting a character', (_kind, text) => {
    const line = `DESCRIPTION:${text}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, i) => {
      expect(octets(part)).toBeLessThanOrEqual(75);
      if (i > 0) expect(part.startsWith(' ')).toBe(true);
      // No lone surrogate at either end: each part is valid UTF-16 on its own.
      expect(part).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    });
    expect(parts.map((part, i) => (i === 0 ? part : part.slice(1))).join('')).toBe(line);
  });
});
