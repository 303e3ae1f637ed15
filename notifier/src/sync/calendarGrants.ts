import { type CalendarReader, normaliseEmail, parseStreamName, type RecordedEvent } from '@datebook/shared-kernel';
import { type EventStore, readCalendars, type SqlDatabase, type SqlExecutor } from '@datebook/shared-kernel/ports';

/** Whose calendars may have changed with one Calendar event: its readers before and after it. */
export interface GrantsTouched {
  calendarID: string;
  userIDs: string[];
  emails: string[];
}

/**
 * Keeps `notifier_calendar_grants` (syncSchema.ts): for Calendar events (a delivery's run of them at once),
 * the calendar's rules as the store holds them now replace the ones listed. Replacing with the current state makes redelivery,
 * replay and order immaterial. Rules for everyone (`default`) name nobody in particular and are not
 * listed (as GET /events does not read every calendar shared with everyone); nor is a primary calendar's
 * own owner, whose own calendar it is. A deleted calendar lists nobody.
 */
export function calendarGrantIndex(deps: { db: SqlDatabase; store: EventStore }) {
  return async function react(events: readonly RecordedEvent[]): Promise<GrantsTouched[]> {
    // Per calendar, the rules its events concern (null: all of them), in the order the calendars came.
    const concerned = new Map<string, Set<string> | null>();
    for (const recorded of events) {
      const calendarID = parseStreamName(recorded.streamName).id;
      const single = ruleConcerned(recorded);
      const known = concerned.get(calendarID);
      if (known === null) continue;
      concerned.set(calendarID, single === undefined ? null : (known ?? new Set<string>()).add(single));
    }
    const calendarIDs = [...concerned.keys()];
    // The calendars' rules now (cached folds caught up with the store, in one round trip), but only the rules
    // these events concern are rewritten: a grant on a calendar shared with 10,000 people is one row, not 10,000.
    const loaded = await readCalendars(deps.store, calendarIDs);
    return deps.db.transaction(async (tx) => {
      const touched: GrantsTouched[] = [];
      for (const [index, calendarID] of calendarIDs.entries()) {
        const { state } = loaded[index] as (typeof loaded)[number];
        const rules = concerned.get(calendarID) ?? null;
        const live = state.status === 'active' || state.status === 'implicitPrimary';
        const current = !live ? [] : rules === null ? Object.values(state.rules) : [...rules].flatMap((ruleID) => (Object.hasOwn(state.rules, ruleID) ? [state.rules[ruleID]!] : []));
        const listed = current.flatMap((rule): { ruleID: string; userID: string | null; email: string | null }[] => {
          if (rule.scope.type === 'user') return rule.scope.userID === calendarID ? [] : [{ ruleID: rule.ruleID, userID: rule.scope.userID, email: null }];
          if (rule.scope.type === 'email') return [{ ruleID: rule.ruleID, userID: null, email: normaliseEmail(rule.scope.email) }];
          return [];
        });
        const { rows: before } = await tx.query<{ user_id: string | null; email: string | null }>(
          rules === null
            ? 'delete from notifier_calendar_grants where calendar_id = $1 returning user_id::text as user_id, email'
            : 'delete from notifier_calendar_grants where calendar_id = $1 and rule_id = any($2::text[]) returning user_id::text as user_id, email',
          rules === null ? [calendarID] : [calendarID, [...rules]],
        );
        if (listed.length > 0) {
          await tx.query(
            `insert into notifier_calendar_grants (calendar_id, rule_id, user_id, email)
             select $1, r.rule_id, r.user_id, r.email from unnest($2::text[], $3::uuid[], $4::text[]) as r(rule_id, user_id, email)`,
            [calendarID, listed.map((r) => r.ruleID), listed.map((r) => r.userID), listed.map((r) => r.email)],
          );
        }
        const all = [...before, ...listed.map((r) => ({ user_id: r.userID, email: r.email }))];
        touched.push({
          calendarID,
          userIDs: [...new Set(all.flatMap((r) => (r.user_id ? [r.user_id] : [])))],
          emails: [...new Set(all.flatMap((r) => (r.email ? [r.email] : [])))],
        });
      }
      return touched;
    });
  };
}

/**
 * The one rule a grant, change or revocation concerns; undefined for anything else (creation, deletion, an
 * event this version cannot read), which rewrites all of the calendar's rules as they are now.
 */
function ruleConcerned(recorded: RecordedEvent): string | undefined {
  const ruleID = (recorded.data as { ruleID?: unknown } | null)?.ruleID;
  const aboutOneRule = recorded.type === 'AccessGranted' || recorded.type === 'AccessChanged' || recorded.type === 'AccessRevoked';
  return aboutOneRule && typeof ruleID === 'string' ? ruleID : undefined;
}

/**
 * The calendars listed as given to this reader (by their account, or by their confirmed address), their
 * own primary left out, at most `limit`, by id. Candidates only: the caller confirms each in the store.
 */
export async function grantedCalendars(db: SqlExecutor, reader: CalendarReader, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ calendar_id: string }>(
    `select distinct calendar_id::text as calendar_id from notifier_calendar_grants
     where (user_id = $1::uuid or ($2::text is not null and email = $2)) and calendar_id <> $1::uuid
     order by calendar_id limit $3`,
    [reader.userID, reader.email === undefined ? null : normaliseEmail(reader.email), limit],
  );
  return rows.map((row) => row.calendar_id);
}
