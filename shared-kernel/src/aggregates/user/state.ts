import type { AddInvitations, UserEvent } from './events';
import type { ReminderOverride } from '../../events/reminders';
import { foldSessionRevocations, noRevocations, type SessionRevocationState } from './sessions';
import { type AppPasswords, foldAppPasswords, noAppPasswords } from './appPasswords';

export interface WorkingHours {
  day: number;
  start: string;
  end: string;
}

/** A person's own settings for one calendar of their list (Google's calendarList entry); see `calendarList.ts`. */
export interface CalendarListSettings {
  /** Their views (GET /events) read it. */
  selected: boolean;
  /** Their list leaves it out (calendarList.delete); it is not read either. */
  hidden: boolean;
  /** '#rrggbb', or null: the client's own choice. */
  color: string | null;
}

/** The User stream: a person who can sign in, with their settings. */
export type UserState =
  | { status: 'absent' }
  | {
      status: 'registered';
      userID: string;
      userName: string;
      email: string;
      passwordHash: string;
      timeZone: string;
      /** Undefined until the user chooses: the product default applies. */
      defaultReminders?: ReminderOverride[];
      workingHours?: WorkingHours[];
      /** Which invitations go into the person's calendar before they answer; undefined: from everyone. */
      addInvitations?: AddInvitations;
      /** The owner followed a verification link (or a reset link, which proves the same). */
      emailVerified: boolean;
      /** Verification links sent and not used yet, by request id: until when each is good. */
      verificationRequests: Record<string, string>;
      lastVerificationRequestAt?: string;
      /** Reset links sent and not used yet, by reset id: until when each is good. Any new password voids them all. */
      pendingResets: Record<string, string>;
      lastResetRequestAt?: string;
      lastSignUpAttemptAt?: string;
      sessions: SessionRevocationState;
      /** Settings the person changed, by calendarID; a calendar not here has the defaults (selected, shown, no colour). */
      calendarList: Record<string, CalendarListSettings>;
      /** Live app passwords by id (HTTP Basic for calendar apps). */
      appPasswords: AppPasswords;
    };

export const initialState = (): UserState => ({ status: 'absent' });

/** The one fold of the User stream (command side, session checks, notifier); applies facts, never validates. */
export function evolve(state: UserState, event: UserEvent): UserState {
  if (event.type === 'UserRegistered') {
    return { status: 'registered', ...event.data, emailVerified: false, verificationRequests: {}, pendingResets: {}, sessions: noRevocations(), calendarList: {}, appPasswords: noAppPasswords() };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'EmailClaimed':
      return state;
    case 'PreferredTimeZoneChanged':
      return { ...state, timeZone: event.data.timeZone };
    case 'DefaultRemindersChanged':
      return { ...state, defaultReminders: event.data.reminders };
    case 'WorkingHoursChanged':
      return { ...state, workingHours: event.data.workingHours };
    case 'InvitationsSettingChanged':
      return { ...state, addInvitations: event.data.addInvitations };
    case 'EmailVerificationRequested':
      return { ...state, verificationRequests: { ...state.verificationRequests, [event.data.requestID]: event.data.expiresAt }, lastVerificationRequestAt: event.data.requestedAt };
    case 'EmailVerified':
      return { ...state, emailVerified: true, verificationRequests: {} };
    case 'SignUpAttempted':
      return { ...state, lastSignUpAttemptAt: event.data.attemptedAt };
    case 'PasswordResetRequested':
      return { ...state, pendingResets: { ...state.pendingResets, [event.data.resetID]: event.data.expiresAt }, lastResetRequestAt: event.data.requestedAt };
    case 'PasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash, pendingResets: {} };
    case 'SessionRevoked':
    case 'SessionsRevoked':
      return { ...state, sessions: foldSessionRevocations(state.sessions, event) };
    case 'AppPasswordCreated':
    case 'AppPasswordRevoked':
      return { ...state, appPasswords: foldAppPasswords(state.appPasswords, event) };
    case 'CalendarListEntryChanged': {
      const { calendarID, selected, hidden, color } = event.data;
      return { ...state, calendarList: { ...state.calendarList, [calendarID]: { selected, hidden, color } } };
    }
  }
}
