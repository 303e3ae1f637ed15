import { normaliseEmail } from '../userEmail/decider';
import { ACCESS_ROLES, type AccessRole } from './events';
import { type AccessRule, type CalendarDetails, type CalendarState, ruleIDOf } from './state';

/** Who is asking: their account, and their verified address (rules given to it before they signed up apply). */
export interface CalendarReader {
  userID: string;
  email?: string | undefined;
}

export type EffectiveRole = AccessRole | 'none';

const rank = (role: EffectiveRole) => (role === 'none' ? -1 : ACCESS_ROLES.indexOf(role));

export const atLeast = (role: EffectiveRole, wanted: AccessRole): boolean => rank(role) >= rank(wanted);

/**
 * The rules that can apply to this person, found by their ids (one rule per scope, `ruleIDOf`): their
 * account's, their verified address's and everyone's. A lookup, not a walk: a calendar may have 10,000 rules.
 */
function rulesFor(state: CalendarDetails, reader: CalendarReader, withDefault: boolean): AccessRule[] {
  const ids = [ruleIDOf({ type: 'user', userID: reader.userID })];
  if (reader.email !== undefined) ids.push(ruleIDOf({ type: 'email', email: normaliseEmail(reader.email) }));
  if (withDefault) ids.push(ruleIDOf({ type: 'default' }));
  return ids.flatMap((id) => (Object.hasOwn(state.rules, id) ? [state.rules[id] as AccessRule] : []));
}

const strongest = (rules: AccessRule[]): EffectiveRole => rules.reduce<EffectiveRole>((best, rule) => (rank(rule.role) > rank(best) ? rule.role : best), 'none');

/**
 * Who writes a subscribed calendar's events: the subscription poller acts as this id, a name-based UUID
 * (version 5: uuid v5 of https://datebook.dev/actors/subscription-source in the URL namespace) that no
 * account can have, since accounts get random (version 4) ones.
 */
export const SUBSCRIPTION_SOURCE_ID = '1a7a1b79-0037-515c-aacd-47f71f7a0b54';

/**
 * The strongest role any rule gives this person (Google: the most permissive rule wins); none on a deleted
 * calendar. A subscribed calendar is read-only to every person, its owner included: its events are its
 * source's, written only by the subscription poller (SUBSCRIPTION_SOURCE_ID). Every write path asks this
 * role, so each refuses (NOT_WRITER); the owner still manages the calendar itself (`rulesRoleOf`).
 */
export function accessRoleOf(state: CalendarState, reader: CalendarReader): EffectiveRole {
  if (state.status === 'absent' || state.status === 'deleted') return 'none';
  if (state.subscription !== null) return reader.userID === SUBSCRIPTION_SOURCE_ID ? 'writer' : readOnly(strongest(rulesFor(state, reader, true)));
  return strongest(rulesFor(state, reader, true));
}

const readOnly = (role: EffectiveRole): EffectiveRole => (rank(role) > rank('reader') ? 'reader' : role);

/**
 * The role the calendar's rules give this person, as managing the calendar itself needs it (rename, share,
 * delete, secret addresses): the same as `accessRoleOf` except on a subscribed calendar, whose owner still
 * owns it though nobody writes its events.
 */
export function rulesRoleOf(state: CalendarState, reader: CalendarReader): EffectiveRole {
  if (state.status === 'absent' || state.status === 'deleted') return 'none';
  return strongest(rulesFor(state, reader, true));
}

/** The strongest role a rule naming this person gives (by account or verified address), leaving out everyone's rule. */
export function personalRoleOf(state: CalendarState, reader: CalendarReader): EffectiveRole {
  if (state.status === 'absent' || state.status === 'deleted') return 'none';
  return strongest(rulesFor(state, reader, false));
}

/**
 * Whether a person sees an event of a calendar as busy time only (Google's acl roles; RFC 5545 §3.8.1.3
 * CLASS): a free/busy reader always, a reader when the event is private. Whoever is on the event sees it.
 */
export function seesBusyTimeOnly(role: EffectiveRole, visibility: string | undefined, onEvent: boolean): boolean {
  return !onEvent && (role === 'freeBusyReader' || (role === 'reader' && visibility === 'private'));
}
