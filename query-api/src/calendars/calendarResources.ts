import { ACCESS_ROLES, type AccessRole, type AccessRule, type CalendarDetails, type RecordedEvent } from '@datebook/shared-kernel';
import { z } from 'zod';

/** What the calendar read routes answer, shaped as Google Calendar API v3's calendars and acl resources. */

const accessRole = z.enum(ACCESS_ROLES);

export const CalendarResource = z.object({
  calendarID: z.string(),
  summary: z.string(),
  description: z.string().nullable(),
  timeZone: z.string().describe('IANA time zone of the calendar'),
  primary: z.boolean().describe("Whether this is its owner's primary calendar (its id is the owner's userID)"),
  accessRole: accessRole.describe("The caller's role on it: the strongest rule that applies to them"),
});

/** Google's acl scope: a person is `user` whether known by account or only by an address not yet signed up. */
export const AclScopeResource = z.union([
  z.object({ type: z.literal('user'), userID: z.string() }),
  z.object({ type: z.literal('user'), email: z.string().describe('An address with no account yet: the rule applies once it signs up and verifies it') }),
  z.object({ type: z.literal('default').describe('Everyone signed in to this Datebook') }),
]);

export const AclList = z.object({
  items: z.array(z.object({ ruleID: z.string(), role: accessRole, scope: AclScopeResource })),
});

export const CalendarHistory = z.object({
  calendarID: z.string(),
  items: z.array(z.object({
    type: z.string(),
    at: z.string().describe('When it was decided (RFC 3339)'),
    actorID: z.string().describe('Who did it'),
    version: z.number(),
    data: z.unknown(),
  })),
});

export function calendarResource(calendar: CalendarDetails, role: AccessRole): z.infer<typeof CalendarResource> {
  const { calendarID, summary, description, timeZone, primary } = calendar;
  return { calendarID, summary, description, timeZone, primary, accessRole: role };
}

/**
 * A rule as acl.list shows it. A user rule shows the account's id only: its address is left out, because
 * an owner may share with any userID and would otherwise learn the address of whoever holds one.
 */
function aclRule(rule: AccessRule): z.infer<typeof AclList>['items'][number] {
  const { scope } = rule;
  const shown = scope.type === 'user' ? { type: 'user' as const, userID: scope.userID } : scope.type === 'email' ? { type: 'user' as const, email: scope.email } : { type: 'default' as const };
  return { ruleID: rule.ruleID, role: rule.role, scope: shown };
}

/** Strongest role first (owners lead), then by ruleID, so the listing is stable. */
export function aclList(calendar: CalendarDetails): z.infer<typeof AclList> {
  const strength = (rule: AccessRule) => ACCESS_ROLES.indexOf(rule.role);
  const rules = Object.values(calendar.rules).sort((a, b) => strength(b) - strength(a) || a.ruleID.localeCompare(b.ruleID));
  return { items: rules.map(aclRule) };
}

/** Every stored fact as written (who, when, what), oldest first: the audit trail of who shared what with whom. */
export function historyItems(events: readonly RecordedEvent[]): z.infer<typeof CalendarHistory>['items'] {
  return events.map((e) => ({ type: e.type, at: e.metadata.occurredAt, actorID: e.metadata.actorID, version: e.streamVersion, data: e.data }));
}
