import type { CalendarReader } from './access';
import type { AccessRole, AccessScope } from './events';

/** What can be asked of a Calendar; `actor` is who asks (their rights are read from the calendar's own rules). */
export type CalendarCommand =
  | { type: 'CreateCalendar'; data: { calendarID: string; ownerID: string; summary: string; description: string | null; timeZone: string } }
  | { type: 'ChangeCalendar'; data: { actor: CalendarReader; changes: { summary?: string; description?: string | null; timeZone?: string } } }
  | { type: 'DeleteCalendar'; data: { actor: CalendarReader } }
  | { type: 'GrantAccess'; data: { actor: CalendarReader; scope: AccessScope; role: AccessRole } }
  | { type: 'ChangeAccess'; data: { actor: CalendarReader; ruleID: string; role: AccessRole } }
  | { type: 'RevokeAccess'; data: { actor: CalendarReader; ruleID: string } };
