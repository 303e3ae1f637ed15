import { DEFAULT_EXPANSION_BUDGET, DEFAULT_ICALENDAR_LIMITS, type EventDraft, ICalendarSyntaxError, parseCalendarObjects, type ParsedCalendarObjects, type ParseOptions, type SkippedEvent, yieldToLoop } from '@datebook/shared-kernel';

/** Events parsed between two turns of the event loop (a few milliseconds of work each). */
export const EVENTS_PER_CHUNK = 200;
/** Physical lines scanned, and events grouped or placed, between two turns of the event loop. */
const LINES_PER_TURN = 20_000;
const BLOCKS_PER_TURN = 5_000;

/** The file's physical lines (RFC 5545 §3.1: CRLF, or a bare LF, ends one), found without copying the file. */
class Lines {
  private constructor(
    private readonly text: string,
    /** Where each line starts, and one past the end of the text. */
    private readonly starts: number[],
  ) {}

  static async of(text: string): Promise<Lines> {
    const starts = [0];
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
      starts.push(at + 1);
      if (starts.length % LINES_PER_TURN === 0) await yieldToLoop();
    }
    if (starts.at(-1) !== text.length + 1) starts.push(text.length + 1);
    return new Lines(text, starts);
  }

  get length(): number {
    return this.starts.length - 1;
  }

  /** Line `i` without its line break. */
  at(i: number): string {
    return this.text.slice(this.starts[i], (this.starts[i + 1] as number) - 1).replace(/\r$/, '');
  }

  /** Lines `start` to `end` (exclusive) as they are written, breaks included but the last. */
  range(range: LineRange): string {
    return this.text.slice(this.starts[range.start], Math.max(this.starts[range.start] as number, (this.starts[range.end] as number) - 1));
  }
}

/** A run of consecutive physical lines of the file (0-based, end exclusive). */
interface LineRange {
  start: number;
  end: number;
}

/** One component directly inside the VCALENDAR. */
interface Block extends LineRange {
  name: string;
  /** A VEVENT's UID, unfolded and unescaped as the reader reads it; undefined when it has none. */
  uid?: string;
}

/**
 * What the scan found: the first BEGIN:VCALENDAR and the last END:VCALENDAR, the calendars' own property
 * lines, and their components. The reader reads the VCALENDARs of a stream as one (RFC 5545 §3.4: VTIMEZONEs
 * and the VEVENTs of a UID found in any of them), so several VCALENDARs are read as the parts of one.
 */
interface Outline {
  begin: LineRange;
  end: LineRange;
  calendarProperties: LineRange[];
  blocks: Block[];
}

const BEGIN = /^begin:([^\s;:]+)\s*$/i;
const END = /^end:([^\s;:]+)\s*$/i;
const UID = /^uid[;:]/i;

/** RFC 5545 §3.3.11 TEXT unescaping, for UIDs as the reader groups them. */
const unescaped = (text: string) => text.replace(/\\([\\;,nN])/g, (_all, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

/**
 * The outline of a file of VCALENDARs, from its lines alone (RFC 5545 §3.4: BEGIN/END lines, never folded,
 * delimit components; §3.1: a continuation line starts with a space or tab). Undefined for anything else
 * (text outside a VCALENDAR, unbalanced components): such a file is read whole, within the line bound, so
 * the reader reports its faults as it would have.
 */
async function outlineOf(lines: Lines): Promise<Outline | undefined> {
  const calendarProperties: LineRange[] = [];
  const blocks: Block[] = [];
  let depth = 0;
  let begin: LineRange | undefined;
  let end: LineRange | undefined;
  let current: Block | undefined;
  let property: LineRange | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (i > 0 && i % LINES_PER_TURN === 0) await yieldToLoop();
    const line = lines.at(i);
    const continuation = line.startsWith(' ') || line.startsWith('\t');
    if (depth === 0) {
      if (line.trim() === '') continue;
      if (!BEGIN.test(line) || BEGIN.exec(line)?.[1]?.toUpperCase() !== 'VCALENDAR') return undefined;
      depth = 1;
      begin ??= { start: i, end: i + 1 };
      continue;
    }
    if (depth === 1) {
      const opened = BEGIN.exec(line);
      const closed = END.exec(line);
      if (opened) {
        current = { name: (opened[1] as string).toUpperCase(), start: i, end: i + 1 };
        property = undefined;
        depth = 2;
      } else if (closed) {
        if (closed[1]?.toUpperCase() !== 'VCALENDAR') return undefined;
        end = { start: i, end: i + 1 };
        property = undefined;
        depth = 0;
      } else if (continuation) {
        // A continuation of anything but a calendar property (a BEGIN or END line) is the reader's to refuse.
        if (!property) return undefined;
        property.end = i + 1;
      } else {
        property = { start: i, end: i + 1 };
        calendarProperties.push(property);
      }
      continue;
    }
    // Inside a component of the calendar (depth ≥ 2).
    if (!current) return undefined;
    if (BEGIN.test(line)) depth++;
    else if (END.test(line)) depth--;
    else if (depth === 2 && current.name === 'VEVENT' && current.uid === undefined && UID.test(line)) current.uid = uidAt(lines, i);
    if (depth === 1) {
      current.end = i + 1;
      blocks.push(current);
      current = undefined;
    }
  }
  return depth === 0 && begin && end ? { begin, end, calendarProperties, blocks } : undefined;
}

/** The UID on line `i` with its continuation lines, as the reader unfolds, unescapes and trims it. */
function uidAt(lines: Lines, i: number): string {
  let text = lines.at(i);
  for (let j = i + 1; j < lines.length; j++) {
    const next = lines.at(j);
    if (!next.startsWith(' ') && !next.startsWith('\t')) break;
    text += next.slice(1);
  }
  return unescaped(text.slice(text.indexOf(':') + 1)).trim();
}

/** A piece of text cut from the file, and where each of its lines came from. */
interface Piece {
  text: string;
  /** Where consecutive runs of the piece's lines start in the file (1-based), by the piece's own line (1-based). */
  runs: { pieceLine: number; fileLine: number }[];
}

function pieceOf(lines: Lines, ranges: readonly LineRange[]): Piece {
  const parts: string[] = [];
  const runs: Piece['runs'] = [];
  let pieceLine = 1;
  for (const range of ranges) {
    runs.push({ pieceLine, fileLine: range.start + 1 });
    parts.push(lines.range(range));
    pieceLine += range.end - range.start;
  }
  return { text: parts.join('\n'), runs };
}

function fileLineOf(piece: Piece, pieceLine: number): number {
  let run = piece.runs[0];
  for (const candidate of piece.runs) {
    if (candidate.pieceLine > pieceLine) break;
    run = candidate;
  }
  return run ? run.fileLine + (pieceLine - run.pieceLine) : pieceLine;
}

/** Physical lines of a file read in one go; past it, a file is read in parts of about this many lines. */
export const LINES_PER_CHUNK = 5_000;
/**
 * The most physical lines of the VTIMEZONEs of a file (in all: every part is read with them) and of one event
 * (a series with its overrides, VALARMs and folded texts): each is read whole, so each is bounded.
 */
export const MAX_ZONE_LINES = 5_000;
export const MAX_EVENT_LINES = 10_000;
/** What one part may hold at most, whatever its make-up: every bound above at once. */
const MAX_PART_LINES = MAX_ZONE_LINES + LINES_PER_CHUNK + MAX_EVENT_LINES;

const linesOf = (blocks: readonly LineRange[]) => blocks.reduce((sum, block) => sum + block.end - block.start, 0);

/**
 * parseCalendarObjects over a whole file without holding the event loop: the file's events are read a few
 * hundred (and a few thousand lines) at a time, each time with the calendars' VTIMEZONEs, and the loop turns
 * between. All VEVENTs of one UID (a series and its RECURRENCE-ID overrides) are read together, so the drafts,
 * their order and the lines named (of the whole file) are what one reading of the file gives; an unreadable
 * file throws ICalendarSyntaxError naming its line, before any event is returned. The file's limits hold for
 * the whole: its events counted at once, its recurrence budget shared out by events (each part with room for
 * one more series' check, so the work of a file is bounded by its budget and one series' worth per part). An
 * event longer than MAX_EVENT_LINES, or with more overrides than the reader keeps, is skipped unread.
 * A small file, and a file whose components do not balance, is read in one go, within MAX_PART_LINES.
 */
export async function parseInChunks(text: string, options: ParseOptions = {}, eventsPerChunk = EVENTS_PER_CHUNK): Promise<ParsedCalendarObjects> {
  const lines = await Lines.of(text);
  const outline = await outlineOf(lines);
  const events = outline?.blocks.filter((block) => block.name === 'VEVENT') ?? [];
  const whole = { maxContentLines: MAX_PART_LINES, ...options };
  if (!outline || (events.length <= eventsPerChunk && lines.length <= LINES_PER_CHUNK)) return parseCalendarObjects(text, whole);
  const maxEvents = options.maxEvents ?? DEFAULT_ICALENDAR_LIMITS.maxEvents;
  const over = events[maxEvents];
  if (over) throw new ICalendarSyntaxError(over.start + 1, `more than ${maxEvents} events`);
  const zones = outline.blocks.filter((block) => block.name === 'VTIMEZONE');
  if (linesOf(zones) > MAX_ZONE_LINES) throw new ICalendarSyntaxError((zones[0] as Block).start + 1, `the VTIMEZONEs are longer than ${MAX_ZONE_LINES} lines in all`);
  if (linesOf(outline.calendarProperties) > LINES_PER_CHUNK) {
    throw new ICalendarSyntaxError((outline.calendarProperties[0] as LineRange).start + 1, `the calendar's own properties are longer than ${LINES_PER_CHUNK} lines`);
  }

  // A series and its overrides stay together; groups keep the order in which their first VEVENT appears.
  const groups = new Map<string, Block[]>();
  for (const [index, block] of events.entries()) {
    if (index > 0 && index % BLOCKS_PER_TURN === 0) await yieldToLoop();
    const key = block.uid === undefined || block.uid === '' ? `\u0000${index}` : block.uid;
    const group = groups.get(key);
    if (group) group.push(block);
    else groups.set(key, [block]);
  }
  const maxOverrides = options.maxOverridesPerEvent ?? DEFAULT_ICALENDAR_LIMITS.maxOverridesPerEvent;
  const skipped: SkippedEvent[] = [];
  // Components that are neither events nor zones (VTODO, VJOURNAL, …) are read with the parts, for their faults.
  const parts: Block[][] = [];
  let checked = 0;
  for (const group of groups.values()) {
    if (checked++ % BLOCKS_PER_TURN === BLOCKS_PER_TURN - 1) await yieldToLoop();
    const first = group[0] as Block;
    const reason = group.length > maxOverrides + 1 ? `more than ${maxOverrides} changed or cancelled occurrences (RECURRENCE-ID)`
      : linesOf(group) > MAX_EVENT_LINES ? `the event is longer than ${MAX_EVENT_LINES} lines` : undefined;
    if (reason !== undefined) skipped.push({ uid: first.uid || null, line: first.start + 1, reason });
    else parts.push(group);
  }
  parts.push(...outline.blocks.filter((block) => block.name !== 'VEVENT' && block.name !== 'VTIMEZONE').map((block) => [block]));
  const chunks: Block[][] = [];
  let chunk: Block[] = [];
  let chunkLines = 0;
  for (const [index, part] of parts.entries()) {
    if (index > 0 && index % BLOCKS_PER_TURN === 0) await yieldToLoop();
    chunk.push(...part);
    chunkLines += linesOf(part);
    if (chunk.length >= eventsPerChunk || chunkLines >= LINES_PER_CHUNK) {
      chunks.push(chunk);
      chunk = [];
      chunkLines = 0;
    }
  }
  if (chunk.length > 0 || chunks.length === 0) chunks.push(chunk);

  const totalBudget = options.maxRecurrenceSteps ?? DEFAULT_ICALENDAR_LIMITS.maxRecurrenceSteps;
  const drafts: EventDraft[] = [];
  for (const [index, part] of chunks.entries()) {
    if (index > 0) await yieldToLoop();
    const ranges = [outline.begin, ...(index === 0 ? outline.calendarProperties : []), ...zones, ...[...part].sort((a, b) => a.start - b.start), outline.end];
    const piece = pieceOf(lines, ranges);
    // The file's share for these events, and room to check one series whole (the reader checks none without it).
    const eventsHere = part.filter((block) => block.name === 'VEVENT').length;
    const budget = Math.min(totalBudget, Math.ceil((totalBudget * eventsHere) / Math.max(events.length, 1)) + DEFAULT_EXPANSION_BUDGET);
    let parsed: ParsedCalendarObjects;
    try {
      parsed = parseCalendarObjects(piece.text, { ...whole, maxRecurrenceSteps: budget });
    } catch (error) {
      if (error instanceof ICalendarSyntaxError) throw new ICalendarSyntaxError(fileLineOf(piece, error.line), error.reason);
      throw error;
    }
    for (const draft of parsed.drafts) drafts.push({ ...draft, line: fileLineOf(piece, draft.line) });
    for (const skip of parsed.skipped) skipped.push({ ...skip, line: fileLineOf(piece, skip.line) });
  }
  skipped.sort((a, b) => a.line - b.line);
  return { drafts, skipped };
}
