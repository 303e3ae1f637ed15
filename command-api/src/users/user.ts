import { DomainError, type ReminderOverride, type UserEvent } from '@datebook/shared-kernel';

export interface WorkingHours {
  day: number;
  start: string;
  end: string;
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
    };

export type UserCommand =
  | { type: 'RegisterUser'; data: { userID: string; userName: string; email: string; passwordHash: string; timeZone: string } }
  | { type: 'ChangeSettings'; data: { userID: string; timeZone?: string; defaultReminders?: ReminderOverride[]; workingHours?: WorkingHours[] } };

export const initialState = (): UserState => ({ status: 'absent' });

export function evolve(state: UserState, event: UserEvent): UserState {
  if (event.type === 'UserRegistered') return { status: 'registered', ...event.data };
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
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function decide(command: UserCommand, state: UserState): UserEvent[] {
  if (command.type === 'RegisterUser') {
    if (state.status === 'registered') {
      if (state.email === command.data.email) return [];
      throw new DomainError('EMAIL_TAKEN', 'this user already exists');
    }
    return [{ type: 'UserRegistered', data: command.data }];
  }
  if (state.status === 'absent') throw new DomainError('UNAUTHENTICATED', 'this account does not exist');
  const { userID, timeZone, defaultReminders, workingHours } = command.data;
  const events: UserEvent[] = [];
  if (timeZone !== undefined && timeZone !== state.timeZone) events.push({ type: 'PreferredTimeZoneChanged', data: { userID, timeZone } });
  if (defaultReminders !== undefined && !sameJson(defaultReminders, state.defaultReminders)) {
    events.push({ type: 'DefaultRemindersChanged', data: { userID, reminders: defaultReminders } });
  }
  if (workingHours !== undefined && !sameJson(workingHours, state.workingHours)) {
    events.push({ type: 'WorkingHoursChanged', data: { userID, workingHours } });
  }
  return events;
}

/** E-mail addresses compare case-insensitively; the normal form names the UserEmail stream. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
