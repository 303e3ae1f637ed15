import { DomainError, type Interval, isoInstant } from '@datebook/shared-kernel';
import { instantSchema, type JsonReply, type JsonRequest, type JsonRoute, parseInput, type RouteDoc, timeZoneSchema, userIDSchema } from '@datebook/shared-kernel/http';
import type { RolesReader } from '@datebook/shared-kernel/ports';
import { z } from 'zod';
import { availabilityView, busyJson } from '../availability/freeBusy';
import { suggestTimes } from '../availability/suggestions';
import type { IsoWeekday, WorkingHoursEntry } from '../availability/workingHours';
import type { ReadModelQueries } from '../calendarViews/readModelQueries';
import { askedCalendars, calendarIDList, type CheckedCalendar, checkedCalendars, invitationSettingsOf, ItemErrors, itemKey, NOT_FOUND_ERRORS, refuseRepeats } from './askedCalendars';

const MAX_WINDOW_DAYS = 62;
const MAX_ITEMS = 50;
const userIDs = z.array(userIDSchema).min(1).max(MAX_ITEMS).refine((ids) => new Set(ids).size === ids.length, { message: 'list each user once' })
  .describe("People, meaning their primary calendars; each needs at least freeBusyReader (every primary calendar starts shared so with everyone)");
const oneList = { message: 'give userIDs, calendarIDs or both', path: ['userIDs'] };

const FreeBusyBody = z.strictObject({
  userIDs: userIDs.optional(),
  calendarIDs: calendarIDList(MAX_ITEMS).optional(),
  from: instantSchema,
  to: instantSchema,
  timeZone: timeZoneSchema.optional().describe('Echoed back; instants are UTC either way'),
  slotMinutes: z.number().int().min(5).max(1440).optional().describe('Also return an availability string per item: one character per slot, 0 free, 1 tentative, 2 busy'),
}).refine((b) => b.userIDs !== undefined || b.calendarIDs !== undefined, oneList);
const SuggestionsBody = z.strictObject({
  userIDs: userIDs.optional(),
  calendarIDs: calendarIDList(MAX_ITEMS).optional(),
  durationMinutes: z.number().int().min(5).max(1440),
  from: instantSchema,
  to: instantSchema,
  timeZone: timeZoneSchema.optional(),
  respectWorkingHours: z.boolean().default(true).describe("Keep to each person's working hours (default 09:00–17:00 Mon–Fri in their own zone; a calendar that is not someone's primary: the default hours in its zone)"),
  minimumAttendees: z.number().int().min(1).max(2 * MAX_ITEMS).optional().describe('Default: every item you may see'),
}).refine((b) => b.userIDs !== undefined || b.calendarIDs !== undefined, oneList);
const Interval = z.object({ start: z.string(), end: z.string() });
const ItemFreeBusy = z.object({ busy: z.array(Interval), availabilityView: z.string().optional(), errors: ItemErrors.optional() });
const FreeBusyResponse = z.object({
  from: z.string(), to: z.string(),
  users: z.array(ItemFreeBusy.extend({ userID: z.string() })).describe('One per user asked about, in order (empty when only calendarIDs were given)'),
  calendars: z.array(ItemFreeBusy.extend({ calendarID: z.string() })).optional().describe('One per calendar asked about, in order; only when calendarIDs were given'),
});
const SuggestionsResponse = z.object({
  suggestions: z.array(Interval.extend({ userIDs: z.array(z.string()), calendarIDs: z.array(z.string()).optional().describe('Only when calendarIDs were given') })),
  reasons: z.array(z.object({ code: z.string(), userID: z.string().optional(), calendarID: z.string().optional() }).passthrough()).describe('When there is no suggestion: why'),
  ignored: z.array(z.object({ userID: z.string().optional(), calendarID: z.string().optional(), errors: ItemErrors })).describe('Items left out of the suggestions: ones you may not see, or that do not exist'),
});

const notFoundItems = 'An item you may not see, or that does not exist, answers `errors: [{domain: "global", reason: "notFound"}]` and the others still answer (as Google\'s freebusy.query)';
export const freeBusyRouteDocs: RouteDoc[] = [
  { method: 'post', path: '/freebusy', operationId: 'getFreeBusy', summary: `Merged busy time of up to ${MAX_ITEMS} people and ${MAX_ITEMS} calendars in a window (no titles or details). ${notFoundItems}`, body: FreeBusyBody, headers: { 'X-Consistency-Token': 'Wait until the read model includes the write that returned this token' }, responses: { 200: { description: 'Free/busy', schema: FreeBusyResponse } } },
  { method: 'post', path: '/freebusy/suggestions', operationId: 'suggestTimes', summary: `Find a time: maximal intervals in which enough people (and calendars) are free, earliest first. An item you may not see is left out and listed in \`ignored\``, body: SuggestionsBody, headers: { 'X-Consistency-Token': 'Wait until the read model includes the write that returned this token' }, responses: { 200: { description: 'Suggestions', schema: SuggestionsResponse } } },
];

function windowOf(body: { from: string; to: string }) {
  const window = { start: Date.parse(body.from), end: Date.parse(body.to) };
  if (window.end <= window.start) throw new DomainError('INVALID_TIME_RANGE', 'to must be after from', [{ path: 'to', message: 'must be after from' }]);
  if (window.end - window.start > MAX_WINDOW_DAYS * 86_400_000) {
    throw new DomainError('VALIDATION_FAILED', `a window spans at most ${MAX_WINDOW_DAYS} days`, [{ path: 'to', message: 'window too long' }]);
  }
  return window;
}

const visibleIDs = (items: CheckedCalendar[]) => items.filter((item) => item.visible).map((item) => item.calendarID);

export function freeBusyRoutes(deps: { queries: ReadModelQueries; roles: RolesReader }): JsonRoute[] {
  /**
   * An item's zone and working hours. A person's (and a primary calendar's, whose id is its owner's) are
   * their settings, as their account in the store says; another calendar keeps the default hours in its own zone.
   */
  function profileOf(item: CheckedCalendar): { timeZone: string; workingHours?: WorkingHoursEntry[] } {
    if (!item.visible || item.calendar.status === 'absent') return { timeZone: 'UTC' };
    const person = item.calendar.primary && item.person.status === 'registered' ? item.person : undefined;
    const hours = person?.workingHours?.map((h) => ({ ...h, day: h.day as IsoWeekday }));
    return { timeZone: person?.timeZone ?? item.calendar.timeZone, ...(hours ? { workingHours: hours } : {}) };
  }

  /**
   * The items with who may see them, and busy time read for all of them meanwhile: the views' read goes out
   * beside the rights' stamps (one Redis round trip); only items the rights show are answered from it.
   */
  async function checkedWithBusy(body: { userIDs?: string[] | undefined; calendarIDs?: string[] | undefined }, requesterID: string, window: Interval, fresh: boolean) {
    const asked = refuseRepeats(askedCalendars(body, requesterID));
    const from = new Date(window.start);
    const to = new Date(window.end);
    const ahead = deps.queries.busyAhead(asked.map((item) => item.calendarID), from, to, fresh);
    const items = await checkedCalendars(deps.roles, requesterID, asked);
    const busy = await deps.queries.busyTime(visibleIDs(items), from, to, fresh, invitationSettingsOf(items), ahead);
    return { items, busy };
  }

  async function freeBusyOf({ input, fresh, userID: requesterID }: JsonRequest): Promise<JsonReply> {
    const body = parseInput(FreeBusyBody, input, 'body');
    const window = windowOf(body);
    const { items, busy } = await checkedWithBusy(body, requesterID, window, fresh);
    // Written as JSON piece by piece, each person's busy list in one pass (busyJson): a 50-person week is ~50 KB.
    const answerOf = (item: CheckedCalendar) => {
      const key = JSON.stringify(itemKey(item)).slice(0, -1);
      // Google answers an unseen calendar with no busy time and the reason; no availability string claims it free.
      if (!item.visible) return `${key},"busy":[],"errors":${JSON.stringify(NOT_FOUND_ERRORS)}}`;
      const entries = busy.get(item.calendarID) ?? [];
      const view = body.slotMinutes ? `,"availabilityView":"${availabilityView(entries, window, body.slotMinutes)}"` : '';
      return `${key},"busy":${busyJson(entries, window)}${view}}`;
    };
    const list = (which: CheckedCalendar['list']) => `[${items.filter((item) => item.list === which).map(answerOf).join(',')}]`;
    const head = JSON.stringify({ from: isoInstant(window.start), to: isoInstant(window.end), ...(body.timeZone ? { timeZone: body.timeZone } : {}) }).slice(0, -1);
    return { body: undefined, json: `${head},"users":${list('userIDs')}${body.calendarIDs ? `,"calendars":${list('calendarIDs')}` : ''}}` };
  }

  async function suggestionsOf({ input, fresh, userID: requesterID }: JsonRequest): Promise<JsonReply> {
    const body = parseInput(SuggestionsBody, input, 'body');
    const window = windowOf(body);
    const asked = (body.userIDs?.length ?? 0) + (body.calendarIDs?.length ?? 0);
    if (body.minimumAttendees !== undefined && body.minimumAttendees > asked) {
      throw new DomainError('VALIDATION_FAILED', 'minimumAttendees is more than the users and calendars asked about', [{ path: 'minimumAttendees', message: 'more than userIDs and calendarIDs' }]);
    }
    const { items, busy } = await checkedWithBusy(body, requesterID, window, fresh);
    const visible = items.filter((item) => item.visible);
    // An item the requester may not see is left out, not counted free: suggesting its time could double-book it.
    const result = suggestTimes({
      window,
      durationMinutes: body.durationMinutes,
      respectWorkingHours: body.respectWorkingHours,
      ...(body.minimumAttendees !== undefined ? { minimumAttendees: body.minimumAttendees } : {}),
      users: visible.map((item) => ({ userID: item.calendarID, busy: busy.get(item.calendarID) ?? [], ...profileOf(item) })),
    });
    const byCalendar = new Map(visible.map((item) => [item.calendarID, item]));
    const askedAs = (list: 'userIDs' | 'calendarIDs', ids: readonly string[]) => ids.flatMap((id) => { const item = byCalendar.get(id); return item?.list === list ? [item.asked] : []; });
    return {
      body: {
        suggestions: result.suggestions.map((s) => ({
          start: isoInstant(s.start), end: isoInstant(s.end), userIDs: askedAs('userIDs', s.userIDs),
          ...(body.calendarIDs ? { calendarIDs: askedAs('calendarIDs', s.userIDs) } : {}),
        })),
        reasons: result.reasons.map((reason) => {
          if (!('userID' in reason)) return reason;
          const { userID: calendarID, ...rest } = reason;
          const item = byCalendar.get(calendarID);
          return { ...rest, ...(item ? itemKey(item) : { userID: calendarID }) };
        }),
        ignored: items.filter((item) => !item.visible).map((item) => ({ ...itemKey(item), errors: NOT_FOUND_ERRORS })),
      },
    };
  }

  return [
    { method: 'POST', path: '/freebusy', handle: freeBusyOf },
    { method: 'POST', path: '/freebusy/suggestions', handle: suggestionsOf },
  ];
}
