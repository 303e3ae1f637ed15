import { z } from 'zod';
import { accessRoleOf, type CalendarReader, type EffectiveRole, personalRoleOf } from '../calendar/access';
import { ACCESS_ROLES } from '../calendar/events';
import type { CalendarDetails, CalendarState } from '../calendar/state';
import type { CalendarListSettings, UserState } from './state';

/**
 * A person's calendar list (Google Calendar API v3's calendarList): the calendars they own or were given,
 * each with their own settings. Which calendars are on it, and with what role, is the calendars' rules, read
 * from the store; only the settings are the person's, kept on their User stream.
 */

/** A colour as Google's calendarList takes it: '#rrggbb' (hexadecimal, kept in lower case). */
export const CALENDAR_COLOR = /^#[0-9a-fA-F]{6}$/;

/** A calendar whose settings the person never changed: read by their views, shown, no colour of its own. */
export const DEFAULT_CALENDAR_LIST_SETTINGS: Readonly<CalendarListSettings> = { selected: true, hidden: false, color: null };

export function calendarListSettingsOf(user: UserState, calendarID: string): CalendarListSettings {
  return (user.status === 'registered' ? user.calendarList[calendarID] : undefined) ?? { ...DEFAULT_CALENDAR_LIST_SETTINGS };
}

/** Who a person is to calendar rules, from their User state: their account, and their address once verified. */
export function calendarReaderFromUser(user: UserState, userID: string): CalendarReader {
  return user.status === 'registered' && user.emailVerified ? { userID, email: user.email } : { userID };
}

/**
 * The role with which a calendar is on the reader's list, 'none' when it is not on it: their own primary, and
 * every calendar a rule names them on (by account or verified address), each with the strongest rule that
 * applies. A rule for everyone (`default`) lets a person see a calendar, not list it: otherwise every
 * colleague's primary calendar would be on everyone's list.
 */
export function listedRole(calendar: CalendarState, reader: CalendarReader): EffectiveRole {
  if (calendar.status === 'absent' || calendar.status === 'deleted') return 'none';
  const named = calendar.calendarID === reader.userID || personalRoleOf(calendar, reader) !== 'none';
  return named ? accessRoleOf(calendar, reader) : 'none';
}

/** One entry of the list as the API answers it (Google's CalendarListEntry, the fields Datebook keeps). */
export const CalendarListEntryResource = z.object({
  calendarID: z.string(),
  summary: z.string(),
  description: z.string().optional(),
  timeZone: z.string().describe('IANA time zone of the calendar'),
  accessRole: z.enum(ACCESS_ROLES).describe('Your role on it as its rules say now'),
  primary: z.boolean().describe('Whether it is your own primary calendar (its id is your userID)'),
  selected: z.boolean().describe('Whether GET /events reads it (default true; your primary always)'),
  hidden: z.boolean().describe('Whether it is hidden from the list (DELETE hides it; default false)'),
  color: z.string().nullable().describe("'#rrggbb', or null (default): the client's choice"),
});
export type CalendarListEntry = z.infer<typeof CalendarListEntryResource>;

export function calendarListEntry(
  calendar: CalendarDetails,
  role: Exclude<EffectiveRole, 'none'>,
  settings: CalendarListSettings,
  userID: string,
): CalendarListEntry {
  const { calendarID, summary, description, timeZone } = calendar;
  return { calendarID, summary, ...(description === null ? {} : { description }), timeZone, accessRole: role, primary: calendarID === userID, ...settings };
}
