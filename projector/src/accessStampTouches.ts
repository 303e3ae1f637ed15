import { parseCalendarStreamEvent, parseStreamName, type RecordedEvent } from '@datebook/shared-kernel';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';

/**
 * The principals whose access stamps (shared-kernel ports/accessStamps) a batch moves once it is in the
 * read model: every Calendar stream's calendar and every User stream's person (again: the command side
 * moved them at the append, unless it died in between), a new calendar's owner, and whoever a new rule names — by account, or by
 * address through the people who gave that address — whose calendar list, read from rm_calendar_rules,
 * gains the calendar only now.
 */
export async function accessStampTouchesOf(tx: SqlExecutor, batch: readonly RecordedEvent[]): Promise<string[]> {
  const principals = new Set<string>();
  const addresses = new Set<string>();
  for (const recorded of batch) {
    const { category, id } = parseStreamName(recorded.streamName);
    if (category === 'User') principals.add(id);
    if (category !== 'Calendar') continue;
    principals.add(id);
    const event = parseCalendarStreamEvent(recorded);
    // A new calendar joins its owner's list (and their week) through the read model too.
    if (event?.type === 'CalendarCreated') principals.add(event.data.ownerID);
    if (event?.type !== 'AccessGranted') continue;
    const { scope } = event.data;
    if (scope.type === 'user') principals.add(scope.userID);
    if (scope.type === 'email') addresses.add(scope.email);
  }
  if (addresses.size > 0) {
    const { rows } = await tx.query<{ user_id: string }>('select user_id from rm_users where lower(email) = any($1::text[])', [[...addresses].map((a) => a.toLowerCase())]);
    for (const row of rows) principals.add(row.user_id);
  }
  return [...principals];
}
