import {
  type CalendarListEntry,
  calendarListEntry,
  calendarListSettingsOf,
  type CalendarListSettings,
  type CalendarReader,
  calendarReaderFromUser,
  type EffectiveRole,
  listedRole,
} from '@datebook/shared-kernel';
import { type EventStore, type LoadedCalendar, readCalendars, readUserState, type SqlExecutor } from '@datebook/shared-kernel/ports';

/** A person as their calendar list needs them: who they are to calendar rules, and their own settings. */
export interface ListOwner {
  userID: string;
  reader: CalendarReader;
  settingsOf(calendarID: string): CalendarListSettings;
}

/**
 * A person's calendar list (Google Calendar API v3's calendarList): their primary and every calendar a rule
 * names them on. The read model names the candidates (it may lag a grant by the projection's lag); each is
 * confirmed against the calendar's rules in the store, so a revoked calendar leaves the list at once. The
 * settings come from the User stream, read once per request.
 */
export function personalCalendarList(deps: { store: EventStore; readModel: SqlExecutor }) {
  async function ownerOf(userID: string): Promise<ListOwner> {
    const user = await readUserState(deps.store, userID);
    return { userID, reader: calendarReaderFromUser(user, userID), settingsOf: (calendarID) => calendarListSettingsOf(user, calendarID) };
  }

  /** The calendars a rule names the person on, by the read model: their primary first. */
  async function candidatesOf(owner: ListOwner): Promise<string[]> {
    const { rows } = await deps.readModel.query<{ calendar_id: string }>(
      `select distinct r.calendar_id from rm_calendar_rules r join rm_calendars c on c.calendar_id = r.calendar_id
       where c.status = 'active' and (r.user_id = $1 or ($2::text is not null and r.email = $2)) and r.calendar_id <> $1`,
      [owner.userID, owner.reader.email ?? null],
    );
    return [owner.userID, ...rows.map((r) => r.calendar_id)];
  }

  /** Calendars with the role each is on the person's list with, as their rules in the store say now: all read in one store round trip. */
  async function confirmedAll(owner: ListOwner, calendarIDs: readonly string[]): Promise<{ calendarID: string; calendar: LoadedCalendar; role: EffectiveRole }[]> {
    return (await readCalendars(deps.store, calendarIDs)).map((calendar, i) => ({ calendarID: calendarIDs[i]!, calendar, role: listedRole(calendar.state, owner.reader) }));
  }

  return {
    ownerOf,
    candidatesOf,
    confirmedAll,

    /** The list as GET /users/me/calendarList answers it: primary first, then by name. Hidden entries only when asked. */
    async entriesOf(userID: string, options: { showHidden: boolean }): Promise<CalendarListEntry[]> {
      const owner = await ownerOf(userID);
      // Hidden entries are left out before their calendars are read: they cost nothing.
      const wanted = (await candidatesOf(owner)).filter((calendarID) => options.showHidden || !owner.settingsOf(calendarID).hidden);
      const seen = await confirmedAll(owner, wanted);
      const entries: CalendarListEntry[] = [];
      for (const { calendarID, calendar, role } of seen) {
        if (role === 'none' || calendar.state.status === 'absent') continue;
        entries.push(calendarListEntry(calendar.state, role, owner.settingsOf(calendarID), userID));
      }
      return entries.sort((a, b) => Number(b.primary) - Number(a.primary) || a.summary.localeCompare(b.summary) || a.calendarID.localeCompare(b.calendarID));
    },
  };
}

export type PersonalCalendarList = ReturnType<typeof personalCalendarList>;
