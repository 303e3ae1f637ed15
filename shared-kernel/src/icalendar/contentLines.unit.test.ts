import { readContentLines } from './contentLines';
import { ICalendarSyntaxError } from './syntaxError';

const limits = { maxLineOctets: 64 * 1024 };
const read = (...lines: string[]) => readContentLines(lines.join('\r\n'), limits);

function syntaxError(run: () => unknown): ICalendarSyntaxError {
  try {
    run();
  } catch (error) {
    if (error instanceof ICalendarSyntaxError) return error;
    throw error;
  }
  throw new Error('expected an ICalendarSyntaxError');
}

describe('content lines (RFC 5545 §3.1)', () => {
  it('unfolds continuation lines and keeps the line each content line starts on', () => {
    const lines = read('BEGIN:VEVENT', 'DESCRIPTION:first', ' second', '\tthird', '', 'SUMMARY:x', 'END:VEVENT');
    expect(lines.map((l) => [l.name, l.value, l.line])).toEqual([
      ['BEGIN', 'VEVENT', 1],
      ['DESCRIPTION', 'firstsecondthird', 2],
      ['SUMMARY', 'x', 6],
      ['END', 'VEVENT', 7],
    ]);
    expect(lines[1]?.raw).toBe('DESCRIPTION:firstsecondthird');
  });

  it('reads bare LF line breaks and a byte order mark as well', () => {
    expect(readContentLines('\uFEFFA:1\nB:2\n C\n', limits).map((l) => [l.name, l.value, l.line])).toEqual([['A', '1', 1], ['B', '2C', 2]]);
  });

  it('reads parameters: quoted values with ":" ";" ",", several values, names in any case, RFC 6868 carets', () => {
    const [line] = read('attendee;Cn="Doe, Jane; PhD: CEO";member="mailto:a@x","mailto:b@x";x-note=a^nb^^c^\'d^\':mailto:jane@example.com');
    expect(line?.name).toBe('ATTENDEE');
    expect(line?.params).toEqual([
      { name: 'CN', values: ['Doe, Jane; PhD: CEO'] },
      { name: 'MEMBER', values: ['mailto:a@x', 'mailto:b@x'] },
      { name: 'X-NOTE', values: ['a\nb^c"d"'] },
    ]);
    expect(line?.value).toBe('mailto:jane@example.com');
  });

  it('takes the value after the first unquoted colon, colons in it included', () => {
    expect(read('URL;VALUE=URI:https://example.com:8443/a?b=c')[0]?.value).toBe('https://example.com:8443/a?b=c');
  });

  it.each([
    [['A:1', 'NO COLON HERE'], 2, 'expected ":" before the value'],
    [['A:1', 'X;P="open:v'], 2, 'unclosed quote'],
    [['A:1', ':value'], 2, 'expected a property name'],
    [['A:1', 'X;P:v'], 2, 'has no "="'],
    [[' folded:first'], 1, 'continues no content line'],
    [['A:1', 'B:2', 'SUMMARY:bell\u0007'], 3, 'control character U+0007'],
    [['A:1', 'SUMMARY:half \uD800 a pair'], 2, 'unpaired surrogate'],
  ])('refuses %j naming line %i', (lines, line, reason) => {
    const error = syntaxError(() => read(...lines));
    expect(error.line).toBe(line);
    expect(error.reason).toContain(reason);
  });

  it('refuses a content line longer than the limit, counting UTF-8 octets across folds', () => {
    const long = ['A:1', `X-LONG:${'é'.repeat(40)}`, ...Array.from({ length: 20 }, () => ` ${'é'.repeat(30)}`)];
    expect(readContentLines(long.join('\r\n'), { maxLineOctets: 10_000 })).toHaveLength(2);
    const error = syntaxError(() => readContentLines(long.join('\r\n'), { maxLineOctets: 1_000 }));
    expect(error.line).toBe(2);
    expect(error.reason).toContain('longer than 1000 octets');
  });

  it('takes linear time on hostile input: a long line of quotes and separators', () => {
    const hostile = `X;P=${'"a",'.repeat(100_000)}"b":${';'.repeat(100_000)}`;
    const started = performance.now();
    expect(readContentLines(hostile, { maxLineOctets: 10_000_000 })[0]?.params[0]?.values).toHaveLength(100_001);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
