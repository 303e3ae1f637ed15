import { atLeast, DEFAULT_REMINDERS, DomainError, ICalendarSyntaxError, type ParsedCalendarObjects } from '@datebook/shared-kernel';
import { authenticatedUser, parseInput, requireUser, type RouteDoc, type TokenService } from '@datebook/shared-kernel/http';
import { isDavError, readRequestBody } from '@datebook/shared-kernel/dav';
import { readCalendar, type SqlExecutor } from '@datebook/shared-kernel/ports';
import { type Request, Router } from 'express';
import { z } from 'zod';
import { calendarObjectLookup } from '../caldav/calendarObjectLookup';
import type { CalendarEventService } from '../calendarEvents/calendarEventService';
import type { UserAccounts } from '../users/userAccounts';
import { parseInChunks } from './chunkedParse';
import { importCalendarObjects } from './importCalendarObjects';

/** The largest file an import reads (RFC 5545 text, counted decoded): a year of a busy calendar is a few MB. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

const ImportParams = z.object({ calendarID: z.union([z.literal('primary'), z.uuid()]).describe('A calendar id (UUID), or `primary`: your own') });
const ImportSummary = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.array(z.object({ uid: z.string().nullable(), line: z.number().int(), reason: z.string() })).describe('Events left out, each with the line of its BEGIN:VEVENT and why'),
});

export const icalendarImportRouteDocs: RouteDoc[] = [
  {
    method: 'post', path: '/calendars/{calendarID}/import', operationId: 'importICalendar', offerBasic: true,
    summary: 'Import an iCalendar file (the body, Content-Type: text/calendar, up to 10 MiB) into a calendar (writers and owners): each event by its UID, so the same file twice changes nothing and a changed file updates; nobody is invited',
    responses: {
      200: { description: 'Imported: how many events were created, updated and unchanged, and which were skipped and why', schema: ImportSummary },
      400: { description: 'INVALID_ICALENDAR: the file cannot be read; `line` and `errors` name the line; nothing was imported' },
      403: { description: 'NOT_WRITER: you may see the calendar but not write it' },
      404: { description: 'CALENDAR_NOT_FOUND: no such calendar, or not one you may see' },
      413: { description: 'PAYLOAD_TOO_LARGE: the file is over 10 MiB (counted inflated)' },
      415: { description: 'UNSUPPORTED_MEDIA_TYPE: send the file as text/calendar' },
    },
  },
];

const utf8 = new TextDecoder('utf-8', { fatal: true });

const invalid = (line: number, reason: string) =>
  new DomainError('INVALID_ICALENDAR', `line ${line}: ${reason}`, [{ path: 'body', message: `line ${line}: ${reason}` }], { line });

/** The body as text: read up to MAX_IMPORT_BYTES (decoded), as UTF-8 (RFC 5545 §3.1.4). */
async function fileOf(req: Request): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readRequestBody(req, MAX_IMPORT_BYTES);
  } catch (error) {
    if (!isDavError(error)) throw error;
    if (error.status === 413) throw new DomainError('PAYLOAD_TOO_LARGE', `the file is larger than ${MAX_IMPORT_BYTES} bytes`);
    if (error.status === 415) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', error.message);
    throw new DomainError('VALIDATION_FAILED', error.message, [{ path: 'body', message: error.message }]);
  }
  if (bytes.length === 0) throw invalid(1, 'the file is empty');
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalid(1, 'the file is not UTF-8');
  }
}

/**
 * POST /calendars/:calendarID/import: an iCalendar file into a calendar the asker writes. A file that
 * cannot be read at all is refused whole (400 naming the line) before anything is written; otherwise each
 * event is written on its own (see importCalendarObjects).
 */
export function icalendarImportRoutes(deps: { events: CalendarEventService; readModel: SqlExecutor | undefined; accounts: UserAccounts; tokens: TokenService; clock: () => Date }): Router {
  const router = Router();
  const lookup = calendarObjectLookup(deps.events, deps.readModel);
  // Calendar apps and scripts import with app passwords too: a 401 challenges for Basic.
  router.post('/calendars/:calendarID/import', requireUser(deps.tokens, { offerBasic: true }), async (req, res) => {
    const actorID = authenticatedUser(req);
    const { calendarID: asked } = parseInput(ImportParams, req.params, 'params');
    const access = await deps.events.accessTo(asked, actorID);
    const calendarID = access.calendarID;
    // As every calendar route: who cannot see it learns nothing of it; who can see it is told why not.
    if (access.role === 'none') throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar');
    if (!atLeast(access.role, 'writer')) throw new DomainError('NOT_WRITER', 'you may see this calendar but not write it');
    if ((req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() !== 'text/calendar') throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'send the file as text/calendar');
    const [text, calendar, importer] = await Promise.all([fileOf(req), readCalendar(deps.events.store, calendarID), deps.accounts.readUser(actorID)]);
    const timeZone = calendar.state.status === 'absent' || calendar.state.status === 'deleted' ? 'UTC' : calendar.state.timeZone;
    let parsed: ParsedCalendarObjects;
    try {
      // Read a few hundred events at a time, the loop turning between: a 10 MiB file holds no other request up.
      parsed = await parseInChunks(text, { defaultTimeZone: timeZone, maxInputOctets: MAX_IMPORT_BYTES });
    } catch (error) {
      if (error instanceof ICalendarSyntaxError) throw invalid(error.line, error.reason);
      throw error;
    }
    const summary = await importCalendarObjects({ events: deps.events, lookup }, parsed, {
      calendarID, access, context: { actorID, now: deps.clock(), correlationId: req.correlationId },
      defaultReminders: importer.status === 'registered' ? (importer.defaultReminders ?? DEFAULT_REMINDERS) : DEFAULT_REMINDERS,
    });
    res.json(summary);
  });
  return router;
}
