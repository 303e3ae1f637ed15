import { normaliseEmail } from '../userEmail/decider';
import { ACCESS_ROLES, type AccessRole } from './events';
import type { CalendarState } from './state';

/** Who is asking: their account, and their verified address (rules given to it before they signed up apply). */
export interface CalendarReader {
  userID: string;
  email?: string | undefined;
}

export type EffectiveRole = AccessRole | 'none';

const rank = (role: EffectiveRole) => (role === 'none' ? -1 : ACCESS_ROLES.indexOf(role));

export const atLeast = (role: EffectiveRole, wanted: AccessRole): boolean => rank(role) >= rank(wanted);

/** The strongest role any rule gives this person (Google: the most permissive rule wins); none on a deleted calendar. */
export function accessRoleOf(state: CalendarState, reader: CalendarReader): EffectiveRole {
  if (state.status === 'absent' || state.status === 'deleted') return 'none';
  let best: EffectiveRole = 'none';
  for (const rule of Object.values(state.rules)) {
    const { scope } = rule;
    const applies =
      scope.type === 'default' ||
      (scope.type === 'user' && scope.userID === reader.userID) ||
      (scope.type === 'email' && reader.email !== undefined && scope.email === normaliseEmail(reader.email));
    if (applies && rank(rule.role) > rank(best)) best = rule.role;
  }
  return best;
}
