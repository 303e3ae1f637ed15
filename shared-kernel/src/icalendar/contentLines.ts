import type { ICalendarLimits } from './limits';
import { ICalendarSyntaxError } from './syntaxError';

/** One parameter of a content line (RFC 5545 §3.2): its name in upper case and its values, unquoted. */
export interface ContentLineParam {
  name: string;
  values: string[];
}

/** One content line (RFC 5545 §3.1) after unfolding. */
export interface ContentLine {
  /** Property name in upper case. */
  name: string;
  params: ContentLineParam[];
  /** The value as written (TEXT escapes not undone: see unescapeText). */
  value: string;
  /** 1-based physical line on which the content line starts. */
  line: number;
  /** The whole unfolded line, verbatim. */
  raw: string;
}

/** The first value of a parameter, or undefined. */
export function paramOf(line: ContentLine, name: string): string | undefined {
  for (const param of line.params) if (param.name === name) return param.values[0];
  return undefined;
}

const BOM = 0xfeff;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;

/** RFC 5545 §3.1 iana-token / x-name characters: letters, digits and "-". */
function isNameChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 45;
}

/**
 * Unfolds (RFC 5545 §3.1: a line break followed by one space or tab continues the line) and lexes every
 * content line, in one pass over the text. Accepts CRLF and bare LF line breaks; skips empty lines.
 */
export function readContentLines(text: string, limits: Pick<ICalendarLimits, 'maxLineOctets'> & Partial<Pick<ICalendarLimits, 'maxContentLines'>>): ContentLine[] {
  const maxLines = limits.maxContentLines ?? Number.POSITIVE_INFINITY;
  const lines: ContentLine[] = [];
  let pos = text.charCodeAt(0) === BOM ? 1 : 0;
  let physical = 0;
  let pieces: string[] = [];
  let startLine = 0;
  let pieceLength = 0;
  const flush = () => {
    if (pieces.length === 0) return;
    lines.push(lexContentLine(pieces.length === 1 ? (pieces[0] as string) : pieces.join(''), startLine, limits.maxLineOctets));
    pieces = [];
    pieceLength = 0;
  };
  while (pos < text.length) {
    const newline = text.indexOf('\n', pos);
    const next = newline < 0 ? text.length : newline + 1;
    let end = newline < 0 ? text.length : newline;
    if (end > pos && text.charCodeAt(end - 1) === CR) end--;
    physical++;
    const first = text.charCodeAt(pos);
    if (end === pos) {
      flush();
    } else if (first === SPACE || first === TAB) {
      if (pieces.length === 0) throw new ICalendarSyntaxError(physical, 'a folded line continues no content line');
      pieces.push(text.slice(pos + 1, end));
      pieceLength += end - pos - 1;
      // UTF-16 units never exceed UTF-8 octets: a line already too long in units is refused before joining.
      if (pieceLength > limits.maxLineOctets) throw new ICalendarSyntaxError(startLine, `the content line is longer than ${limits.maxLineOctets} octets`);
    } else {
      flush();
      // Counted before the line is read: a text past the bound costs no more than the bound.
      if (lines.length >= maxLines) throw new ICalendarSyntaxError(physical, `more than ${maxLines} content lines`);
      pieces.push(text.slice(pos, end));
      pieceLength = end - pos;
      startLine = physical;
    }
    pos = next;
  }
  flush();
  return lines;
}

/** Refuses control characters (RFC 5545 §3.1 allows none but HTAB) and unpaired surrogates; counts UTF-8 octets. */
function checkCharacters(raw: string, line: number, maxOctets: number): void {
  let octets = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if ((code < 0x20 && code !== TAB) || code === 0x7f) {
      throw new ICalendarSyntaxError(line, `control character U+${code.toString(16).padStart(4, '0').toUpperCase()} in a content line`);
    }
    if (code < 0x80) octets += 1;
    else if (code < 0x800) octets += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const low = raw.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) throw new ICalendarSyntaxError(line, 'an unpaired surrogate (not UTF-8 text)');
      octets += 4;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      throw new ICalendarSyntaxError(line, 'an unpaired surrogate (not UTF-8 text)');
    } else octets += 3;
  }
  if (octets > maxOctets) throw new ICalendarSyntaxError(line, `the content line is longer than ${maxOctets} octets`);
}

/** RFC 6868 parameter value encoding: ^n newline, ^^ caret, ^' double quote. */
function decodeCaret(value: string): string {
  if (value.indexOf('^') < 0) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    const next = value[i + 1];
    if (char === '^' && (next === 'n' || next === 'N')) { out += '\n'; i++; }
    else if (char === '^' && next === '^') { out += '^'; i++; }
    else if (char === '^' && next === "'") { out += '"'; i++; }
    else out += char;
  }
  return out;
}

/** RFC 5545 §3.1: name *(";" param) ":" value, param = param-name "=" param-value *("," param-value). */
export function lexContentLine(raw: string, line: number, maxOctets: number): ContentLine {
  checkCharacters(raw, line, maxOctets);
  const fail = (reason: string): never => {
    throw new ICalendarSyntaxError(line, reason);
  };
  const length = raw.length;
  let i = 0;
  while (i < length && isNameChar(raw.charCodeAt(i))) i++;
  if (i === 0) fail('expected a property name');
  const name = raw.slice(0, i).toUpperCase();
  const params: ContentLineParam[] = [];
  while (raw.charCodeAt(i) === 59 /* ; */) {
    const start = ++i;
    while (i < length && isNameChar(raw.charCodeAt(i))) i++;
    if (i === start) fail(`expected a parameter name in ${name}`);
    const paramName = raw.slice(start, i).toUpperCase();
    if (raw.charCodeAt(i) !== 61 /* = */) fail(`parameter ${paramName} of ${name} has no "="`);
    i++;
    const values: string[] = [];
    for (;;) {
      if (raw.charCodeAt(i) === QUOTE) {
        const close = raw.indexOf('"', i + 1);
        if (close < 0) fail(`unclosed quote in parameter ${paramName} of ${name}`);
        values.push(decodeCaret(raw.slice(i + 1, close)));
        i = close + 1;
      } else {
        const start = i;
        for (; i < length; i++) {
          const code = raw.charCodeAt(i);
          if (code === 59 || code === 58 || code === 44) break;
          if (code === QUOTE) fail(`a quote inside parameter ${paramName} of ${name}`);
        }
        values.push(decodeCaret(raw.slice(start, i)));
      }
      if (raw.charCodeAt(i) !== 44 /* , */) break;
      i++;
    }
    params.push({ name: paramName, values });
  }
  if (raw.charCodeAt(i) !== 58 /* : */) fail(`expected ":" before the value of ${name}`);
  return { name, params, value: raw.slice(i + 1), line, raw };
}
