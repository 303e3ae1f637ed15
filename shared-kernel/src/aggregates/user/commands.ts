import type { ReminderOverride } from '../../events/reminders';
import type { EffectiveRole } from '../calendar/access';
import type { AddInvitations } from './events';
import type { CalendarListSettings, WorkingHours } from './state';

export type UserCommand =
  | {
      type: 'RegisterUser';
      data: { userID: string; userName: string; email: string; passwordHash: string; timeZone: string; verification: { requestID: string; requestedAt: string; expiresAt: string } };
    }
  | { type: 'ChangeSettings'; data: { userID: string; timeZone?: string; defaultReminders?: ReminderOverride[]; workingHours?: WorkingHours[]; addInvitations?: AddInvitations } }
  | { type: 'RecordSignUpAttempt'; data: { userID: string; now: string } }
  | { type: 'RequestEmailVerification'; data: { userID: string; requestID: string; now: string; expiresAt: string } }
  | { type: 'VerifyEmail'; data: { userID: string; requestID: string; now: string } }
  | { type: 'RequestPasswordReset'; data: { userID: string; resetID: string; expiresAt: string; now: string } }
  | { type: 'ResetPassword'; data: { userID: string; resetID: string; passwordHash: string; now: string } }
  | { type: 'ChangePassword'; data: { userID: string; passwordHash: string; keepSessionID: string } }
  | { type: 'SignOut'; data: { userID: string; sessionID: string } }
  | { type: 'RevokeAllSessions'; data: { userID: string } }
  /**
   * The person's own settings for a calendar of their list. `listedRole` is the role with which the calendar is
   * on their list as its rules in the store say now (`listedRole` in calendarList.ts); 'none': it is not.
   */
  | { type: 'ChangeCalendarListEntry'; data: { userID: string; calendarID: string; listedRole: EffectiveRole; changes: Partial<CalendarListSettings> } }
  /** A password for one calendar app (see AppPasswordCreated); the caller made the secret and hashes it. */
  | { type: 'CreateAppPassword'; data: { userID: string; appPasswordID: string; name: string; passwordSha256: string; now: string } }
  | { type: 'RevokeAppPassword'; data: { userID: string; appPasswordID: string } };
