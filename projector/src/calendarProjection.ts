import { parseCalendarEventEvent, parseStreamName, parseUserEvent, type RecordedEvent } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';

/**
 * Projects CalendarEvent and User streams into the read model. Every write is guarded by the
 * stream version it comes from, so a redelivered or replayed event changes nothing.
 */
export async function projectEvent(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const { category } = parseStreamName(recorded.streamName);
  if (category === 'CalendarEvent') return projectCalendarEvent(tx, recorded);
  if (category === 'User') return projectUser(tx, recorded);
}

async function projectUser(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const event = parseUserEvent(recorded.type, recorded.data);
  if (!event || event.type === 'EmailClaimed') return;
  const version = recorded.streamVersion;
  if (event.type === 'UserRegistered') {
    const d = event.data;
    await tx.query(
      `insert into rm_users (user_id, user_name, email, time_zone, version) values ($1, $2, $3, $4, $5) on conflict (user_id) do nothing`,
      [d.userID, d.userName, d.email, d.timeZone, version],
    );
    return;
  }
  const [column, value] =
    event.type === 'PreferredTimeZoneChanged' ? ['time_zone', event.data.timeZone]
    : event.type === 'DefaultRemindersChanged' ? ['default_reminders', JSON.stringify(event.data.reminders)]
    : ['working_hours', JSON.stringify(event.data.workingHours)];
  await tx.query(`update rm_users set ${column} = $2, version = $3 where user_id = $1 and version < $3`, [event.data.userID, value, version]);
}

async function projectCalendarEvent(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const event = parseCalendarEventEvent(recorded.type, recorded.data);
  if (!event) return;
  const version = recorded.streamVersion;
  const at = recorded.metadata.occurredAt;

  if (event.type === 'CalendarEventScheduled') {
    const d = event.data;
    const { rowCount } = await tx.query(
      `insert into rm_events (event_id, host_id, title, description, location, start_time, end_time, time_zone, status, version, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'confirmed', $9, $10) on conflict (event_id) do nothing`,
      [d.eventID, d.hostID, d.title, d.description, d.location, d.startTime, d.endTime, d.timeZone, version, at],
    );
    if (rowCount === 0) return;
    await tx.query(
      `insert into rm_event_users (event_id, user_id, rsvp_status, start_time, end_time, event_status)
       values ($1, $2, 'ACCEPTED', $3, $4, 'confirmed') on conflict do nothing`,
      [d.eventID, d.hostID, d.startTime, d.endTime],
    );
    return;
  }

  // Claim the version first: if the row is already at or past it, this event was applied before.
  const { rows } = await tx.query<{ start_time: Date; end_time: Date; status: string }>(
    `update rm_events set version = $2, updated_at = $3 where event_id = $1 and version < $2
     returning start_time, end_time, status`,
    [event.data.eventID, version, at],
  );
  const current = rows[0];
  if (!current) return;
  const eventID = event.data.eventID;

  switch (event.type) {
    case 'AttendeeInvited':
      await tx.query(
        `insert into rm_event_users (event_id, user_id, rsvp_status, start_time, end_time, event_status)
         values ($1, $2, 'PENDING', $3, $4, $5)
         on conflict (event_id, user_id) do update set rsvp_status = 'PENDING'`,
        [eventID, event.data.userID, current.start_time, current.end_time, current.status],
      );
      return;
    case 'AttendeeUninvited':
      await tx.query('delete from rm_event_users where event_id = $1 and user_id = $2', [eventID, event.data.userID]);
      return;
    case 'InvitationAccepted':
    case 'InvitationDeclined':
    case 'InvitationTentativelyAccepted': {
      const status = { InvitationAccepted: 'ACCEPTED', InvitationDeclined: 'DECLINED', InvitationTentativelyAccepted: 'TENTATIVE' }[event.type];
      await tx.query('update rm_event_users set rsvp_status = $3 where event_id = $1 and user_id = $2', [eventID, event.data.userID, status]);
      return;
    }
    case 'CalendarEventRescheduled':
      await tx.query('update rm_events set start_time = $2, end_time = $3, time_zone = $4 where event_id = $1', [
        eventID, event.data.startTime, event.data.endTime, event.data.timeZone,
      ]);
      await tx.query('update rm_event_users set start_time = $2, end_time = $3 where event_id = $1', [eventID, event.data.startTime, event.data.endTime]);
      return;
    case 'CalendarEventDetailsChanged':
      await tx.query('update rm_events set title = $2, description = $3, location = $4 where event_id = $1', [
        eventID, event.data.title, event.data.description, event.data.location,
      ]);
      return;
    case 'CalendarEventCancelled':
      await tx.query(`update rm_events set status = 'cancelled' where event_id = $1`, [eventID]);
      await tx.query(`update rm_event_users set event_status = 'cancelled' where event_id = $1`, [eventID]);
      return;
  }
}
