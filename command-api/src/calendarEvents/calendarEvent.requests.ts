import { EventReminders } from '@datebook/shared-kernel';
import { eventIDSchema, instantSchema, timeZoneSchema, userIDSchema } from '@datebook/shared-kernel/http';
import { z } from 'zod';

/** HTTP bodies of the write side; unknown fields are ignored (stripped) everywhere. */
const title = z.string().trim().min(1).max(500);
const description = z.string().max(8000);
const location = z.string().max(1000);
const invitedUserIDs = z.array(userIDSchema).max(500);

export const ScheduleEventBody = z.object({
  eventID: eventIDSchema.optional().describe('Chosen by the client to make retries safe; generated when absent'),
  title,
  description: description.optional(),
  location: location.optional(),
  startTime: instantSchema,
  endTime: instantSchema,
  timeZone: timeZoneSchema.optional().describe("Defaults to the host's time zone"),
  invitedUserIDs: invitedUserIDs.optional(),
  reminders: EventReminders.optional().describe("The host's own reminders on this event"),
});

export const ChangeEventBody = z.object({
  title: title.optional(),
  description: description.nullable().optional(),
  location: location.nullable().optional(),
  startTime: instantSchema.optional(),
  endTime: instantSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  invitedUserIDs: invitedUserIDs.optional(),
  reminders: EventReminders.optional().describe("The host's own reminders on this event"),
});

export const InviteBody = z.object({ userIDs: z.array(userIDSchema).min(1).max(500) });

export const RespondBody = z
  .object({
    response: z.enum(['ACCEPT', 'DECLINE', 'TENTATIVE']).optional(),
    reminders: EventReminders.optional().describe('Your own reminders on this event'),
  })
  .refine((b) => b.response !== undefined || b.reminders !== undefined, { message: 'give a response, reminders or both', path: ['response'] });

export const EventIDParams = z.object({ eventID: eventIDSchema });

export const WriteResponse = z.object({
  eventID: eventIDSchema,
  version: z.number().int(),
  consistencyToken: z.string().describe('Send as X-Consistency-Token on a read to see this write'),
});
