// Every way of breaking a line: CRLF, CR, LF, NEL (U+0085), LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR (U+2029).
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;
// RFC 5545 §3.1/§3.3.11: no other control character may appear in a value (HTAB may, in TEXT; CR and LF are line breaks).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;

/**
 * RFC 5545 §3.3.11 TEXT escaping: backslash, semicolon and comma escaped, every line break (of any
 * kind) written as `\n`, other control characters dropped. What comes out can never end the line.
 */
export function escapeText(value: string): string {
  return value.replace(CONTROL, '').replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(LINE_BREAK, '\\n');
}

/**
 * RFC 5545 §3.3.11: `\\`, `\;`, `\,` and `\n`/`\N` undone. Any other backslash pair (not allowed, yet
 * written by some producers, e.g. `\:`) stands for its second character; a lone trailing one stays.
 */
export function unescapeText(value: string): string {
  if (value.indexOf('\\') < 0) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (char !== '\\' || i + 1 === value.length) {
      out += char;
      continue;
    }
    const next = value[++i] as string;
    out += next === 'n' || next === 'N' ? '\n' : next;
  }
  return out;
}

/** The text as it reads back after being written as TEXT: what a round trip through iCalendar keeps of it. */
export function textAsWritten(value: string): string {
  return unescapeText(escapeText(value));
}
