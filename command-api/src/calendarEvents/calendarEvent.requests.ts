import { EventReminders } from '@datebook/shared-kernel';
import { eventIDSchema, userIDSchema } from '@datebook/shared-kernel/http';
import { z } from 'zod';

/** HTTP bodies of the write side; an unknown field is refused (400 naming it), as Google's APIs do: a typo must not pass silently. */
const title = z.string().trim().min(1).max(500);
const description = z.string().max(8000);
const location = z.string().max(1000);
const invitedUserIDs = z.array(userIDSchema).max(500);
/** Google Calendar's attendees[]: a guest named by address; one whose account confirmed it is invited as that user. */
const Attendee = z.strictObject({
  email: z.email().max(320).describe('The whole address; an account that confirmed it is invited as that user, anyone else by e-mail'),
  optional: z.boolean().default(false).describe("Google's attendee.optional (RFC 5545 ROLE=OPT-PARTICIPANT); kept for guests invited by e-mail"),
});
const attendees = z.array(Attendee).max(500);

// Timing fields are checked together by resolveTiming, which names the offending field.
const timing = {
  startTime: z.string().max(40).optional().describe('RFC 3339 with offset, or a local time "2030-06-05T09:00" in timeZone'),
  endTime: z.string().max(40).optional().describe('As startTime; or give duration'),
  duration: z.string().max(40).optional().describe('ISO 8601 length instead of endTime/endDate, e.g. PT60M or P2D'),
  startDate: z.string().max(10).optional().describe('All-day events: the first day, YYYY-MM-DD'),
  endDate: z.string().max(10).optional().describe('All-day events: the day after the last, YYYY-MM-DD (exclusive)'),
  timeZone: z.string().max(64).optional().describe("IANA zone the event is planned (and repeats) in; defaults to the host's zone"),
};
const recurrence = z
  .array(z.string().max(2000))
  .max(50)
  .describe('RFC 5545 lines, e.g. ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "EXDATE;TZID=Europe/Berlin:20300610T090000"]');

/** A calendar's id, or `primary` for the caller's own (as Google names it). */
export const calendarIDSchema = z.union([z.literal('primary'), z.string().uuid()]).describe('A calendar id, or "primary" for your own');
/** RFC 5545 §3.8.1.3 CLASS: `private` events show as busy to readers of the calendar. */
const visibility = z.enum(['default', 'public', 'private']).describe('"private": readers of the calendar see only a busy block');

export const ScheduleEventBody = z.strictObject({
  eventID: eventIDSchema.optional().describe('Chosen by the client to make retries safe; generated when absent'),
  calendarID: calendarIDSchema.optional().describe('The calendar to put it on (writer or owner); your primary calendar when absent'),
  visibility: visibility.optional(),
  title,
  description: description.optional(),
  location: location.optional(),
  ...timing,
  recurrence: recurrence.optional(),
  transparency: z.enum(['opaque', 'transparent']).optional().describe('"transparent" events block no time (default for all-day events)'),
  invitedUserIDs: invitedUserIDs.optional(),
  attendees: attendees.optional().describe('Guests by address, next to invitedUserIDs'),
  guestsCanSeeOtherGuests: z.boolean().optional().describe('Whether guests see who else is invited (default true); the host always does'),
  reminders: EventReminders.optional().describe("The host's own reminders on this event"),
  rejectOnConflict: z.boolean().default(false).describe('Refuse (409, with the conflicts) instead of double-booking anyone'),
});

export const ChangeEventBody = z.strictObject({
  title: title.optional(),
  visibility: visibility.optional(),
  description: description.nullable().optional(),
  location: location.nullable().optional(),
  ...timing,
  recurrence: recurrence.optional().describe('Replaces the series rule; [] makes it a single event'),
  transparency: z.enum(['opaque', 'transparent']).optional(),
  invitedUserIDs: invitedUserIDs.optional().describe('Replaces the guests with accounts (with the accounts named in attendees, when both are given)'),
  attendees: attendees.optional().describe('Replaces the guests invited by e-mail; an address of an account invites that user too'),
  guestsCanSeeOtherGuests: z.boolean().optional().describe('Whether guests see who else is invited (default true); the host always does'),
  reminders: EventReminders.optional().describe("The host's own reminders on this event"),
});

export const ChangeOccurrenceBody = z.strictObject({
  scope: z.enum(['this', 'following']).default('this').describe('"following" splits the series here: this and later occurrences change'),
  title: title.optional(),
  description: description.nullable().optional(),
  location: location.nullable().optional(),
  ...timing,
  recurrence: recurrence.optional().describe('With scope "following": the rule from here on (default: the same rule)'),
});

export const MoveBody = z.strictObject({ calendarID: calendarIDSchema });

export const InviteBody = z
  .strictObject({ userIDs: z.array(userIDSchema).max(500).optional(), attendees: attendees.optional().describe('Guests by address') })
  .refine((b) => (b.userIDs?.length ?? 0) + (b.attendees?.length ?? 0) > 0, { message: 'name someone to invite: userIDs, attendees or both', path: ['userIDs'] });

export const RespondBody = z
  .strictObject({
    response: z.enum(['ACCEPT', 'DECLINE', 'TENTATIVE']).optional(),
    originalStartTime: z.string().max(40).optional().describe('Answer only this occurrence of a series'),
    reminders: EventReminders.optional().describe('Your own reminders on this event'),
  })
  .refine((b) => b.response !== undefined || b.reminders !== undefined, { message: 'give a response, reminders or both', path: ['response'] });

export const EventIDParams = z.object({ eventID: eventIDSchema });
export const OccurrenceParams = z.object({ eventID: eventIDSchema, originalStartTime: z.string().max(40) });

export const WriteResponse = z.object({
  eventID: eventIDSchema,
  version: z.number().int(),
  consistencyToken: z.string().describe('Send as X-Consistency-Token on a read to see this write'),
});
