import type { ReplyAddresses } from '@datebook/shared-kernel';
import type { EventState } from '../calendarEvents/eventState';
import { occurrenceView } from '../calendarEvents/occurrenceView';
import type { MessageIntent } from '../calendarEvents/whoGetsWhat';
import type { Device } from '../devices/deviceRegistry';
import type { PushOptions } from '../devices/pushTransport';
import { eventEmail, pushPayloadFor, type PushPayload, type Recipient, renderReminderEmail } from '../email/emailContent';
import type { ScheduledReminder } from '../reminders/scheduledReminder';
import type { LedgerEntry } from './ledger';

/** What the ledger keeps for a push: the message and how the push service should treat it. */
export interface PushEnvelope extends PushOptions {
  message: PushPayload;
}

// RFC 8030 §5.4: a topic is at most 32 base64url characters; an event id without dashes is exactly that.
const topicOf = (eventID: string) => eventID.replace(/-/g, '');

/** RFC 8030 §5.2: keep a message for an offline device until it stops being useful (the event is over), within 4 weeks. */
function ttlUntil(instant: string, now: Date): number {
  return Math.max(60, Math.min(4 * 7 * 24 * 3600, Math.round((Date.parse(instant) - now.getTime()) / 1000)));
}

/** The e-mail and the pushes (one per device) for one decided message; `version` is the last of the command that decided it. */
export function messageEntries(input: {
  intent: MessageIntent;
  event: EventState;
  version: number;
  people: ReadonlyMap<string, Recipient>;
  devices: readonly Device[];
  changedAt: Date;
  now: Date;
  /** Told of each stored recurrence line left out of the calendar part. */
  onOmittedLine?: (line: string) => void;
  /** Inbound mail on: each guest's reply address. */
  replyAddresses?: ReplyAddresses;
}): LedgerEntry[] {
  const { intent, event, people, now } = input;
  const key = { eventID: event.eventID, occurrence: intent.occurrence ?? '', recipient: intent.recipient, kind: `${intent.kind}@${input.version}`, late: false, dueAt: now };
  const entries: LedgerEntry[] = [];
  // Rendered when recorded, and only if it is to be sent (recordNotifications).
  const email = eventEmail({ intent, event, people, stamp: input.changedAt, ...(input.onOmittedLine ? { onOmittedLine: input.onOmittedLine } : {}), ...(input.replyAddresses ? { replyAddresses: input.replyAddresses } : {}) });
  if (email) entries.push({ ...key, channel: 'email', deviceID: '', payload: email });
  const reader = people.get(intent.recipient);
  if (reader && input.devices.length > 0) {
    const from = intent.from === undefined ? undefined : people.get(intent.from)?.name;
    const { occurrence } = intent;
    const envelope: PushEnvelope = {
      message: pushPayloadFor(intent.kind, event, reader, { ...(from === undefined ? {} : { from }), ...(occurrence === undefined ? {} : { occurrence }) }),
      ttlSeconds: ttlUntil(occurrence === undefined ? event.endTime : occurrenceView(event, occurrence).endTime, now),
      urgency: 'normal',
      topic: topicOf(event.eventID),
    };
    for (const device of input.devices) entries.push({ ...key, channel: 'push', deviceID: device.deviceID, payload: envelope });
  }
  return entries;
}

/** The e-mail or the pushes of one due reminder. */
export function reminderEntries(input: { reminder: ScheduledReminder; event: EventState; reader: Recipient; devices: readonly Device[]; now: Date; late: boolean }): LedgerEntry[] {
  const { reminder, event, reader, now, late } = input;
  const key = { eventID: event.eventID, occurrence: reminder.occurrenceStart, recipient: reminder.userID, kind: `reminder-${reminder.minutes}m`, late, dueAt: new Date(reminder.fireAt) };
  const shown = { ...event, startTime: reminder.occurrenceStart, endTime: new Date(Date.parse(reminder.occurrenceStart) + Date.parse(event.endTime) - Date.parse(event.startTime)).toISOString() };
  if (reminder.method === 'email') {
    return [{ ...key, channel: 'email', deviceID: '', payload: renderReminderEmail({ event: shown, reader, minutes: reminder.minutes, late }) }];
  }
  const envelope: PushEnvelope = {
    message: pushPayloadFor('reminder', shown, reader, { late }),
    ttlSeconds: ttlUntil(shown.endTime, now),
    // RFC 8030 §5.3: a reminder is time-critical.
    urgency: 'high',
  };
  return input.devices.map((device) => ({ ...key, channel: 'push', deviceID: device.deviceID, payload: envelope }));
}
