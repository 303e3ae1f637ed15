/** Whether a surrogate pair starts at `i` (one 4-octet character in two UTF-16 units). */
function pairAt(line: string, i: number): boolean {
  const code = line.charCodeAt(i);
  const next = line.charCodeAt(i + 1);
  return code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
}

/**
 * RFC 5545 §3.1: a content line longer than 75 octets is folded with CRLF + one space, never inside a
 * UTF-8 sequence (nor between the two halves of a surrogate pair).
 */
export function foldLine(line: string): string {
  // Most lines are short ASCII: nothing to do.
  if (line.length <= 75 && !/[^\u0000-\u007f]/.test(line)) return line;
  const parts: string[] = [];
  let start = 0;
  let octets = 0;
  for (let i = 0; i < line.length; ) {
    const code = line.charCodeAt(i);
    const pair = pairAt(line, i);
    // A lone surrogate is written as U+FFFD, 3 octets.
    const size = pair ? 4 : code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
    const units = pair ? 2 : 1;
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(line.slice(start, i));
      start = i;
      octets = 0;
    }
    octets += size;
    i += units;
  }
  parts.push(line.slice(start));
  return parts.join('\r\n ');
}
