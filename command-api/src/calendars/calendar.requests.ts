import { AccessRole } from '@datebook/shared-kernel';
import { timeZoneSchema } from '@datebook/shared-kernel/http';
import { z } from 'zod';

/** HTTP bodies of the calendar resources (Google Calendar API v3's calendars and acl); unknown fields are refused. */
const summary = z.string().trim().min(1).max(500);
const description = z.string().max(8000);
const email = z.string().trim().max(254).email();

export const CalendarIDParams = z.object({ calendarID: z.union([z.literal('primary'), z.string().uuid()]) });
export const RuleParams = CalendarIDParams.extend({ ruleID: z.string().min(1).max(400) });

export const CreateCalendarBody = z.strictObject({
  summary,
  description: description.optional(),
  timeZone: timeZoneSchema.optional().describe("IANA zone; the creator's zone when absent"),
});

export const ChangeCalendarBody = z.strictObject({
  summary: summary.optional(),
  description: description.nullable().optional(),
  timeZone: timeZoneSchema.optional(),
});

/** Whom a rule is for: a person by account or address (an address with no account yet waits for its sign-up), or everyone. */
export const AclScope = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('user'), userID: z.string().uuid().optional(), email: email.optional() })
    .refine((s) => (s.userID === undefined) !== (s.email === undefined), { message: 'give exactly one of userID and email', path: ['userID'] }),
  z.strictObject({ type: z.literal('default') }),
]);

export const CreateRuleBody = z.strictObject({ role: AccessRole, scope: AclScope });
export const ChangeRuleBody = z.strictObject({ role: AccessRole });
