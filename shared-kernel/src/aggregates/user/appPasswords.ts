import { DomainError } from '../../errors/domainError';
import type { UserEvent } from './events';

/**
 * A person's app passwords (HTTP Basic for calendar apps): the live ones, by id. The secret itself is never
 * kept, only its SHA-256 (see AppPasswordCreated); revoked ones are dropped from the state.
 */
export interface AppPassword {
  name: string;
  passwordSha256: string;
  createdAt: string;
}

export type AppPasswords = Record<string, AppPassword>;

/** At most this many live app passwords per account: each is checked on every Basic sign-in of the person. */
export const MAX_APP_PASSWORDS = 50;

export const noAppPasswords = (): AppPasswords => ({});

/** Folds one User event into the live app passwords; other events leave them as they are. */
export function foldAppPasswords(state: AppPasswords, event: UserEvent): AppPasswords {
  if (event.type === 'AppPasswordCreated') {
    const { appPasswordID, name, passwordSha256, createdAt } = event.data;
    return { ...state, [appPasswordID]: { name, passwordSha256, createdAt } };
  }
  if (event.type === 'AppPasswordRevoked') {
    const { [event.data.appPasswordID]: _revoked, ...rest } = state;
    return rest;
  }
  return state;
}

export interface NewAppPassword {
  userID: string;
  appPasswordID: string;
  name: string;
  passwordSha256: string;
  now: string;
}

/** A new app password; the same one again (a retried request) is a no-op. */
export function createdAppPassword(state: AppPasswords, request: NewAppPassword): UserEvent[] {
  const { userID, appPasswordID, name, passwordSha256, now } = request;
  const existing = state[appPasswordID];
  if (existing) {
    if (existing.passwordSha256 === passwordSha256) return [];
    throw new DomainError('VALIDATION_FAILED', 'this app password id is taken', [{ path: 'appPasswordID', message: 'taken' }]);
  }
  if (Object.keys(state).length >= MAX_APP_PASSWORDS) {
    throw new DomainError('TOO_MANY_APP_PASSWORDS', `at most ${MAX_APP_PASSWORDS} app passwords; revoke one you no longer use`);
  }
  return [{ type: 'AppPasswordCreated', data: { userID, appPasswordID, name, passwordSha256, createdAt: now } }];
}

/** Revokes one live app password; an unknown or already revoked one is not found (404). */
export function revokedAppPassword(state: AppPasswords, userID: string, appPasswordID: string): UserEvent[] {
  if (!Object.hasOwn(state, appPasswordID)) throw new DomainError('APP_PASSWORD_NOT_FOUND', 'no such app password');
  return [{ type: 'AppPasswordRevoked', data: { userID, appPasswordID } }];
}

/**
 * Every live app password revoked: a new account password ends them all, as it ends every session, so
 * whoever had the account before the change keeps no way in (Google and Apple do the same).
 */
export function revokedAllAppPasswords(state: AppPasswords, userID: string): UserEvent[] {
  return Object.keys(state).map((appPasswordID) => ({ type: 'AppPasswordRevoked' as const, data: { userID, appPasswordID } }));
}
