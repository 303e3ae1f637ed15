import { DomainError, isoInstant } from '@datebook/shared-kernel';
import { instantSchema, type JsonReply, type JsonRequest, type JsonRoute, parseInput, type RouteDoc, timeZoneSchema, userIDSchema } from '@datebook/shared-kernel/http';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { z } from 'zod';
import { availabilityView, freeBusy } from '../availability/freeBusy';
import { suggestTimes } from '../availability/suggestions';
import type { IsoWeekday, WorkingHoursEntry } from '../availability/workingHours';
import type { ReadModelQueries } from '../calendarViews/readModelQueries';

const MAX_WINDOW_DAYS = 62;
const userIDs = z.array(userIDSchema).min(1).max(50).refine((ids) => new Set(ids).size === ids.length, { message: 'list each user once' });

const FreeBusyBody = z.strictObject({
  userIDs,
  from: instantSchema,
  to: instantSchema,
  timeZone: timeZoneSchema.optional().describe('Echoed back; instants are UTC either way'),
  slotMinutes: z.number().int().min(5).max(1440).optional().describe('Also return an availability string per user: one character per slot, 0 free, 1 tentative, 2 busy'),
});
const SuggestionsBody = z.strictObject({
  userIDs,
  durationMinutes: z.number().int().min(5).max(1440),
  from: instantSchema,
  to: instantSchema,
  timeZone: timeZoneSchema.optional(),
  respectWorkingHours: z.boolean().default(true).describe("Keep to each user's working hours (default 09:00–17:00 Mon–Fri in their own zone)"),
  minimumAttendees: z.number().int().min(1).max(50).optional().describe('Default: everyone'),
});
const Interval = z.object({ start: z.string(), end: z.string() });
const FreeBusyResponse = z.object({
  from: z.string(), to: z.string(),
  users: z.array(z.object({ userID: z.string(), busy: z.array(Interval), availabilityView: z.string().optional() })),
});
const SuggestionsResponse = z.object({
  suggestions: z.array(Interval.extend({ userIDs: z.array(z.string()) })),
  reasons: z.array(z.object({ code: z.string(), userID: z.string().optional() }).passthrough()).describe('When there is no suggestion: why'),
});

export const freeBusyRouteDocs: RouteDoc[] = [
  { method: 'post', path: '/freebusy', operationId: 'getFreeBusy', summary: 'Merged busy time of up to 50 people in a window (no titles or details)', body: FreeBusyBody, headers: { 'X-Consistency-Token': 'Wait until the read model includes the write that returned this token' }, responses: { 200: { description: 'Free/busy', schema: FreeBusyResponse }, 422: { description: 'UNKNOWN_USERS: `errors` names each user that does not exist' } } },
  { method: 'post', path: '/freebusy/suggestions', operationId: 'suggestTimes', summary: 'Find a time: maximal intervals in which enough people are free, earliest first', body: SuggestionsBody, headers: { 'X-Consistency-Token': 'Wait until the read model includes the write that returned this token' }, responses: { 200: { description: 'Suggestions', schema: SuggestionsResponse }, 422: { description: 'UNKNOWN_USERS: `errors` names each user that does not exist' } } },
];

function windowOf(body: { from: string; to: string }) {
  const window = { start: Date.parse(body.from), end: Date.parse(body.to) };
  if (window.end <= window.start) throw new DomainError('INVALID_TIME_RANGE', 'to must be after from', [{ path: 'to', message: 'must be after from' }]);
  if (window.end - window.start > MAX_WINDOW_DAYS * 86_400_000) {
    throw new DomainError('VALIDATION_FAILED', `a window spans at most ${MAX_WINDOW_DAYS} days`, [{ path: 'to', message: 'window too long' }]);
  }
  return window;
}

function unknownUsers(ids: string[], isKnown: (id: string) => boolean): DomainError | undefined {
  const unknown = ids.map((id, index) => ({ id, index })).filter(({ id }) => !isKnown(id));
  if (unknown.length === 0) return undefined;
  return new DomainError('UNKNOWN_USERS', 'some users do not exist', unknown.map(({ id, index }) => ({ path: `userIDs.${index}`, message: `no user ${id}` })));
}

export function freeBusyRoutes(deps: { readModel: SqlExecutor; queries: ReadModelQueries }): JsonRoute[] {
  /** The users' zones and working hours (suggestions need them; free/busy only needs to know they exist). */
  async function profilesOf(ids: string[]) {
    const { rows } = await deps.readModel.query<{ user_id: string; time_zone: string; working_hours: WorkingHoursEntry[] | null }>(
      'select user_id, time_zone, working_hours from rm_users where user_id = any($1::uuid[])',
      [ids],
    );
    const known = new Map(rows.map((r) => [r.user_id, r]));
    const error = unknownUsers(ids, (id) => known.has(id));
    if (error) throw error;
    return known;
  }

  async function freeBusyOf({ input, fresh }: JsonRequest): Promise<JsonReply> {
    const body = parseInput(FreeBusyBody, input, 'body');
    const window = windowOf(body);
    const known = await deps.queries.knownUsers(body.userIDs);
    const error = unknownUsers(body.userIDs, (id) => known.has(id));
    if (error) throw error;
    const busy = await deps.queries.busyTime(body.userIDs, new Date(window.start), new Date(window.end), fresh);
    return {
      body: {
        from: isoInstant(window.start), to: isoInstant(window.end), ...(body.timeZone ? { timeZone: body.timeZone } : {}),
        users: body.userIDs.map((userID) => {
          const entries = busy.get(userID) ?? [];
          return {
            userID,
            busy: freeBusy(entries, window).busy.map((i) => ({ start: isoInstant(i.start), end: isoInstant(i.end) })),
            ...(body.slotMinutes ? { availabilityView: availabilityView(entries, window, body.slotMinutes) } : {}),
          };
        }),
      },
    };
  }

  async function suggestionsOf({ input, fresh }: JsonRequest): Promise<JsonReply> {
    const body = parseInput(SuggestionsBody, input, 'body');
    const window = windowOf(body);
    if (body.minimumAttendees !== undefined && body.minimumAttendees > body.userIDs.length) {
      throw new DomainError('VALIDATION_FAILED', 'minimumAttendees is more than the users asked about', [{ path: 'minimumAttendees', message: 'more than userIDs' }]);
    }
    const profiles = await profilesOf(body.userIDs);
    const busy = await deps.queries.busyTime(body.userIDs, new Date(window.start), new Date(window.end), fresh);
    const result = suggestTimes({
      window,
      durationMinutes: body.durationMinutes,
      respectWorkingHours: body.respectWorkingHours,
      ...(body.minimumAttendees !== undefined ? { minimumAttendees: body.minimumAttendees } : {}),
      users: body.userIDs.map((userID) => {
        const profile = profiles.get(userID);
        const hours = profile?.working_hours?.map((h) => ({ ...h, day: h.day as IsoWeekday }));
        return { userID, busy: busy.get(userID) ?? [], timeZone: profile?.time_zone ?? 'UTC', ...(hours ? { workingHours: hours } : {}) };
      }),
    });
    return {
      body: {
        suggestions: result.suggestions.map((s) => ({ start: isoInstant(s.start), end: isoInstant(s.end), userIDs: s.userIDs })),
        reasons: result.reasons,
      },
    };
  }

  return [
    { method: 'POST', path: '/freebusy', handle: freeBusyOf },
    { method: 'POST', path: '/freebusy/suggestions', handle: suggestionsOf },
  ];
}
