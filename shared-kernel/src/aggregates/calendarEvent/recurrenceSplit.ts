import { parseLocal } from '../../recurrence/calendar';
import { expandSeries } from '../../recurrence/expand';
import { parseRecurrenceLines } from '../../recurrence/recurrenceLines';
import { ZoneClock } from '../../recurrence/zoneClock';
import type { CalendarEventDetails } from './state';
import { isRecurring, seriesOf } from '../../calendar/occurrences';

// `startLocal` is the series' DTSTART when a DST gap moved its first start (see `nominalStart`).
type Series = Pick<CalendarEventDetails, 'startTime' | 'startLocal' | 'endTime' | 'timeZone' | 'allDay' | 'startDate' | 'recurrence'>;

const basic = (value: string) => value.replaceAll('-', '').replaceAll(':', '');

function dateLine(name: 'RDATE' | 'EXDATE', values: string[], timeZone: string): string[] {
  const dates = values.filter((v) => v.length === 10);
  const instants = values.filter((v) => v.endsWith('Z'));
  const locals = values.filter((v) => v.length !== 10 && !v.endsWith('Z'));
  const lines: string[] = [];
  if (dates.length > 0) lines.push(`${name};VALUE=DATE:${dates.map(basic).join(',')}`);
  if (locals.length > 0) lines.push(`${name};TZID=${timeZone}:${locals.map(basic).join(',')}`);
  if (instants.length > 0) lines.push(`${name}:${instants.map(basic).join(',')}`);
  return lines;
}

function ruleWithout(rrule: string, parts: string[]): string[] {
  return rrule
    .replace(/^RRULE:/i, '')
    .split(';')
    .filter((part) => part !== '' && !parts.includes(part.split('=')[0]?.toUpperCase() ?? ''));
}

/**
 * "This and following": the series' lines cut at `splitStart` (epoch ms of the occurrence where the
 * split happens). `before` ends the original with an inclusive UNTIL just before the split (RFC 5545
 * §3.3.10); `after` continues the same rule from the split, with COUNT reduced by what came before.
 */
export function splitRecurrence(series: Series, splitStart: number): { before: string[]; after: string[] } {
  if (!isRecurring(series)) return { before: [], after: [] };
  // Stored lines, read as written (even before the limits): the halves are validated like any new lines.
  const lines = parseRecurrenceLines(series.recurrence, series.timeZone, { enforceLimits: false });
  const rruleLine = series.recurrence.find((l) => /^RRULE[:;]/i.test(l.trim()));
  const clock = ZoneClock.of(series.timeZone);
  const isBefore = (value: string) => {
    const parsed = parseLocal(value);
    if (parsed === null) return true;
    const start = parsed.kind === 'utc' ? parsed.epochMs : parsed.kind === 'local' ? clock.instantOf(parsed.wall) : parsed.day * 86_400_000;
    return start < splitStart;
  };

  const before: string[] = [];
  const after: string[] = [];
  if (rruleLine !== undefined && lines.rrule) {
    const until = series.allDay
      ? new Date(splitStart - 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')
      : `${basic(new Date(splitStart - 1000).toISOString().slice(0, 19))}Z`;
    before.push(`RRULE:${[...ruleWithout(rruleLine.trim(), ['COUNT', 'UNTIL']), `UNTIL=${until}`].join(';')}`);
    const count = lines.rrule.count;
    if (count === undefined) {
      after.push(`RRULE:${ruleWithout(rruleLine.trim(), []).join(';')}`);
    } else {
      const done = expandSeries({ ...seriesOf(series, { enforceLimits: false }), rdates: [], exdates: [] }, { from: -8.64e15, to: splitStart }, { cap: count }).occurrences.length;
      after.push(`RRULE:${[...ruleWithout(rruleLine.trim(), ['COUNT']), `COUNT=${Math.max(1, count - done)}`].join(';')}`);
    }
  }
  before.push(...dateLine('RDATE', lines.rdates.filter(isBefore), series.timeZone), ...dateLine('EXDATE', lines.exdates.filter(isBefore), series.timeZone));
  after.push(
    ...dateLine('RDATE', lines.rdates.filter((v) => !isBefore(v)), series.timeZone),
    ...dateLine('EXDATE', lines.exdates.filter((v) => !isBefore(v)), series.timeZone),
  );
  return { before, after };
}
