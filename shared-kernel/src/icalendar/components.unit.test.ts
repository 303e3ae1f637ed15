import { readComponents } from './components';
import { readContentLines } from './contentLines';
import { DEFAULT_ICALENDAR_LIMITS } from './limits';
import { parseCalendarObjects } from './parseCalendarObjects';
import { ICalendarSyntaxError } from './syntaxError';

const components = (lines: string[], limits = DEFAULT_ICALENDAR_LIMITS) => readComponents(readContentLines(lines.join('\r\n'), limits), limits);

function syntaxError(run: () => unknown): ICalendarSyntaxError {
  try {
    run();
  } catch (error) {
    if (error instanceof ICalendarSyntaxError) return error;
    throw error;
  }
  throw new Error('expected an ICalendarSyntaxError');
}

const event = (uid: string) => ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTART:20300101T090000Z', 'DTEND:20300101T100000Z', 'END:VEVENT'];

describe('components (RFC 5545 §3.4, §3.6)', () => {
  it('nests components and keeps their properties in order', () => {
    const [calendar] = components(['BEGIN:VCALENDAR', 'VERSION:2.0', ...event('a'), 'END:VCALENDAR']);
    expect(calendar?.name).toBe('VCALENDAR');
    expect(calendar?.components.map((c) => [c.name, c.line, c.properties.map((p) => p.name)])).toEqual([['VEVENT', 3, ['UID', 'DTSTART', 'DTEND']]]);
  });

  it('names the line of an END that closes the wrong component, and the BEGIN it should have closed', () => {
    const error = syntaxError(() => components(['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:a', 'BEGIN:VALARM', 'END:VEVENT', 'END:VCALENDAR']));
    expect(error.line).toBe(5);
    expect(error.reason).toBe('END:VEVENT does not close BEGIN:VALARM of line 4');
  });

  it.each([
    [['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:a'], 2, 'BEGIN:VEVENT is never closed'],
    [['BEGIN:VEVENT', 'END:VEVENT'], 1, 'expected BEGIN:VCALENDAR'],
    [['VERSION:2.0'], 1, 'outside any component'],
    [['BEGIN:VCALENDAR', 'END:VCALENDAR', 'END:VCALENDAR'], 3, 'closes no component'],
    [['X-NOTHING:here'], 1, 'outside any component'],
    [[''], 1, 'no VCALENDAR'],
  ])('refuses %j naming line %i', (lines, line, reason) => {
    const error = syntaxError(() => components(lines));
    expect(error.line).toBe(line);
    expect(error.reason).toContain(reason);
  });

  it('enforces the nesting, property and event limits, naming the line that passes them', () => {
    const limits = { ...DEFAULT_ICALENDAR_LIMITS, maxNesting: 3, maxPropertiesPerComponent: 3, maxEvents: 2 };
    const nested = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'BEGIN:VALARM', 'BEGIN:X-DEEP', 'END:X-DEEP', 'END:VALARM', 'END:VEVENT', 'END:VCALENDAR'];
    expect(syntaxError(() => components(nested, limits))).toMatchObject({ line: 4, reason: 'components nested deeper than 3' });
    const many = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:a', 'X-A:1', 'X-B:2', 'X-C:3', 'END:VEVENT', 'END:VCALENDAR'];
    expect(syntaxError(() => components(many, limits))).toMatchObject({ line: 6, reason: 'more than 3 properties in VEVENT of line 2' });
    const events = ['BEGIN:VCALENDAR', ...event('a'), ...event('b'), ...event('c'), 'END:VCALENDAR'];
    expect(syntaxError(() => components(events, limits))).toMatchObject({ line: 12, reason: 'more than 2 VEVENT components' });
  });

  it('refuses input larger than the limit before reading it', () => {
    const text = ['BEGIN:VCALENDAR', ...event('a'), `X-PAD:${'ü'.repeat(600)}`, 'END:VCALENDAR'].join('\r\n');
    expect(() => parseCalendarObjects(text, { maxInputOctets: 1_000 })).toThrow(new ICalendarSyntaxError(1, 'the input is larger than 1000 octets'));
  });

  it('reads several VCALENDAR objects in one stream', () => {
    const text = ['BEGIN:VCALENDAR', ...event('a'), 'END:VCALENDAR', 'BEGIN:VCALENDAR', ...event('b'), 'END:VCALENDAR'].join('\r\n');
    expect(parseCalendarObjects(text).drafts.map((d) => d.uid)).toEqual(['a', 'b']);
  });
});
