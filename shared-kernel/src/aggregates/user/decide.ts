import { DomainError, invalidLink } from '../../errors/domainError';
import { createdAppPassword, revokedAllAppPasswords, revokedAppPassword } from './appPasswords';
import { CALENDAR_COLOR, calendarListSettingsOf } from './calendarList';
import type { UserCommand } from './commands';
import type { UserEvent } from './events';
import type { UserState } from './state';

/** How long a verification link is good for; a new one can be asked for (POST /users/me/email-verification). */
export const VERIFICATION_LINK_MS = 7 * 24 * 3_600_000;
/** How long a password-reset link is good for. */
export const RESET_LINK_MS = 3_600_000;
/** At most one reset mail and one verification mail per account per minute, one "someone tried to sign up" mail per 15 minutes: no mail bombing through these endpoints. */
const MAIL_INTERVAL_MS = 60_000;
const SIGN_UP_ATTEMPT_MAIL_INTERVAL_MS = 15 * 60_000;


const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const within = (since: string | undefined, now: string, ms: number) => since !== undefined && Date.parse(now) - Date.parse(since) < ms;
const stillGood = (until: string | undefined, now: string) => until !== undefined && Date.parse(now) < Date.parse(until);

export function decide(command: UserCommand, state: UserState): UserEvent[] {
  if (command.type === 'RegisterUser') {
    const { verification, ...registration } = command.data;
    if (state.status === 'registered') {
      // Completing a registration twice (the claimant and a later sign-up, with the claim's own data) is a no-op.
      if (state.email === registration.email) return [];
      throw new DomainError('EMAIL_TAKEN', 'this user already exists');
    }
    return [
      { type: 'UserRegistered', data: registration },
      { type: 'EmailVerificationRequested', data: { userID: registration.userID, email: registration.email, ...verification } },
    ];
  }
  if (state.status === 'absent') throw new DomainError('UNAUTHENTICATED', 'this account does not exist');
  const { userID } = command.data;
  switch (command.type) {
    case 'ChangeSettings':
      return changedSettings(command.data, state);
    case 'RecordSignUpAttempt':
      return within(state.lastSignUpAttemptAt, command.data.now, SIGN_UP_ATTEMPT_MAIL_INTERVAL_MS) ? [] : [{ type: 'SignUpAttempted', data: { userID, attemptedAt: command.data.now } }];
    case 'RequestEmailVerification': {
      if (state.emailVerified || within(state.lastVerificationRequestAt, command.data.now, MAIL_INTERVAL_MS)) return [];
      const { requestID, now, expiresAt } = command.data;
      return [{ type: 'EmailVerificationRequested', data: { userID, email: state.email, requestID, requestedAt: now, expiresAt } }];
    }
    case 'VerifyEmail':
      if (state.emailVerified) throw invalidLink('this address is verified already; the link cannot be used again');
      if (!stillGood(state.verificationRequests[command.data.requestID], command.data.now)) throw invalidLink('the link has expired or was replaced; ask for a new one');
      return [{ type: 'EmailVerified', data: { userID, email: state.email } }];
    case 'RequestPasswordReset':
      if (within(state.lastResetRequestAt, command.data.now, MAIL_INTERVAL_MS)) return [];
      return [{ type: 'PasswordResetRequested', data: { userID, resetID: command.data.resetID, requestedAt: command.data.now, expiresAt: command.data.expiresAt } }];
    case 'ResetPassword': {
      // Single use: a used link is no longer pending, and any new password voids every link.
      if (!stillGood(state.pendingResets[command.data.resetID], command.data.now)) throw invalidLink('the link has expired or has been used; ask for a new one');
      return [
        { type: 'PasswordChanged', data: { userID, passwordHash: command.data.passwordHash, resetID: command.data.resetID } },
        { type: 'SessionsRevoked', data: { userID, generation: state.sessions.generation + 1 } },
        // The link reached the owner's mailbox: that verifies the address as much as a verification link does.
        ...(state.emailVerified ? [] : [{ type: 'EmailVerified' as const, data: { userID, email: state.email } }]),
        ...revokedAllAppPasswords(state.appPasswords, userID),
      ];
    }
    case 'ChangePassword':
      return [
        { type: 'PasswordChanged', data: { userID, passwordHash: command.data.passwordHash } },
        { type: 'SessionsRevoked', data: { userID, generation: state.sessions.generation + 1, keptSessionID: command.data.keepSessionID } },
        ...revokedAllAppPasswords(state.appPasswords, userID),
      ];
    case 'SignOut':
      return state.sessions.revokedSessionIDs.has(command.data.sessionID) ? [] : [{ type: 'SessionRevoked', data: { userID, sessionID: command.data.sessionID } }];
    case 'RevokeAllSessions':
      return [{ type: 'SessionsRevoked', data: { userID, generation: state.sessions.generation + 1 } }];
    case 'ChangeCalendarListEntry':
      return changedCalendarListEntry(command.data, state);
    case 'CreateAppPassword':
      return createdAppPassword(state.appPasswords, command.data);
    case 'RevokeAppPassword':
      return revokedAppPassword(state.appPasswords, userID, command.data.appPasswordID);
  }
}

function changedCalendarListEntry(change: Extract<UserCommand, { type: 'ChangeCalendarListEntry' }>['data'], state: Extract<UserState, { status: 'registered' }>): UserEvent[] {
  const { userID, calendarID, listedRole, changes } = change;
  // A calendar the person may not see is not theirs to learn of: 404, never 403.
  if (listedRole === 'none') throw new DomainError('CALENDAR_NOT_FOUND', 'no such calendar in your list');
  if (changes.color != null && !CALENDAR_COLOR.test(changes.color)) {
    throw new DomainError('VALIDATION_FAILED', 'a colour is #rrggbb', [{ path: 'color', message: 'expected #rrggbb' }]);
  }
  if (calendarID === userID) {
    // Views always read the person's own calendar (their events and invitations are on it).
    const refused = [...(changes.selected === false ? ['selected'] : []), ...(changes.hidden === true ? ['hidden'] : [])];
    if (refused.length > 0) {
      throw new DomainError('PRIMARY_CALENDAR', 'your primary calendar is always on your list and always read', refused.map((path) => ({ path, message: 'not for your primary calendar' })));
    }
  }
  const current = calendarListSettingsOf(state, calendarID);
  const next = {
    selected: changes.selected ?? current.selected,
    hidden: changes.hidden ?? current.hidden,
    color: changes.color === undefined ? current.color : (changes.color?.toLowerCase() ?? null),
  };
  if (next.selected === current.selected && next.hidden === current.hidden && next.color === current.color) return [];
  return [{ type: 'CalendarListEntryChanged', data: { userID, calendarID, ...next } }];
}

function changedSettings(change: Extract<UserCommand, { type: 'ChangeSettings' }>['data'], state: Extract<UserState, { status: 'registered' }>): UserEvent[] {
  const { userID, timeZone, defaultReminders, workingHours, addInvitations } = change;
  const events: UserEvent[] = [];
  if (timeZone !== undefined && timeZone !== state.timeZone) events.push({ type: 'PreferredTimeZoneChanged', data: { userID, timeZone } });
  if (defaultReminders !== undefined && !sameJson(defaultReminders, state.defaultReminders)) {
    events.push({ type: 'DefaultRemindersChanged', data: { userID, reminders: defaultReminders } });
  }
  if (workingHours !== undefined && !sameJson(workingHours, state.workingHours)) {
    events.push({ type: 'WorkingHoursChanged', data: { userID, workingHours } });
  }
  if (addInvitations !== undefined && addInvitations !== (state.addInvitations ?? 'everyone')) {
    events.push({ type: 'InvitationsSettingChanged', data: { userID, addInvitations } });
  }
  return events;
}
