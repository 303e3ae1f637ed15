import { accessRoleOf, type EffectiveRole } from '../aggregates/calendar/access';
import type { UserState } from '../aggregates/user/state';
import { calendarReaderFromUser } from '../aggregates/user/calendarList';
import { ACCESS_STAMP_READER_MAX_AGE_MS, type AccessStamps } from '../ports/accessStamps/accessStamps';
import type { EventStore } from '../ports/eventStore/eventStore';
import { type LoadedCalendar, readCalendarsWith, rolesOf } from './calendarReads';

/** A person's roles on calendars, as `rolesOf` answers (see there). */
export type RolesReader = (readerID: string, calendarIDs: readonly string[]) => Promise<{ calendar: LoadedCalendar; role: EffectiveRole; person: UserState }[]>;

export interface StampedRolesOptions {
  clock: () => Date;
  /** Principals kept at most (the oldest go first). Default 50,000. */
  maxEntries?: number;
}

/** What one principal's stamp vouches for: the account its id names, its calendar, or both, as read after the stamp was. */
interface KeptPrincipal {
  stamp: string;
  until: number;
  account?: UserState;
  calendar?: LoadedCalendar;
}

/**
 * `rolesOf` that reads the store only for principals whose access stamp moved. Every principal's stamp is
 * read first (one Redis round trip); a principal whose account or calendar was read beside the stamp that
 * still reads the same is answered from memory, the others are read from the store in one round trip and
 * kept beside the stamp read *before* them. A principal with no stamp is read from the store and, if it
 * exists, given a stamp for the next request to keep it beside. Any write that can change a role moves the stamp of its
 * principal before it is appended and again before it is answered (stampingEventStore; the projector moves
 * grantees' and new owners'), so the answer is the store's as of the stamp read: a revoked rule hides the
 * calendar from the very next request, as with `rolesOf`. Stamps that cannot be read: `rolesOf`, nothing kept.
 * Kept at most ACCESS_STAMP_READER_MAX_AGE_MS, as every answer kept beside access stamps.
 */
export function stampedRoles(store: EventStore, stamps: AccessStamps, options: StampedRolesOptions): RolesReader {
  const maxEntries = options.maxEntries ?? 50_000;
  const kept = new Map<string, KeptPrincipal>();

  function keep(principalID: string, stamp: string, until: number, part: Pick<KeptPrincipal, 'account' | 'calendar'>): void {
    const before = kept.get(principalID);
    const entry = before && before.stamp === stamp ? { ...before, ...part } : { stamp, until, ...part };
    kept.delete(principalID);
    while (kept.size >= maxEntries) kept.delete(kept.keys().next().value!);
    kept.set(principalID, entry);
  }

  return async (readerID, calendarIDs) => {
    const principals = [...new Set([readerID, ...calendarIDs])];
    const found = await stamps.read(principals);
    if (!found) return rolesOf(store, readerID, calendarIDs);
    const now = options.clock().getTime();
    // null: no stamp (never touched, or untouched for a day). Nothing is kept beside it, nor served from beside it.
    const stampOf = new Map(principals.map((id, i) => [id, found[i] ?? null]));
    const valid = (id: string) => {
      const entry = kept.get(id);
      if (!entry) return undefined;
      if (entry.until <= now) {
        kept.delete(id);
        return undefined;
      }
      return entry.stamp === stampOf.get(id) ? entry : undefined;
    };

    let account = valid(readerID)?.account;
    const calendars = new Map<string, { calendar: LoadedCalendar; person: UserState }>();
    const toRead: string[] = [];
    for (const id of new Set(calendarIDs)) {
      const entry = valid(id);
      if (entry?.calendar && entry.account) calendars.set(id, { calendar: entry.calendar, person: entry.account });
      else toRead.push(id);
    }
    if (!account || toRead.length > 0) {
      const read = await readCalendarsWith(store, account ? [] : [readerID], toRead);
      const until = now + ACCESS_STAMP_READER_MAX_AGE_MS;
      /** Principals read now that exist but have no stamp: given one below, so the next request can keep them. */
      const unstamped: string[] = [];
      const keepBeside = (id: string, exists: boolean, part: Pick<KeptPrincipal, 'account' | 'calendar'>) => {
        const stamp = stampOf.get(id) ?? null;
        if (stamp !== null) keep(id, stamp, until, part);
        else if (exists) unstamped.push(id);
      };
      if (!account) {
        account = read.users[0]!;
        keepBeside(readerID, account.status === 'registered', { account });
      }
      toRead.forEach((id, i) => {
        const loaded = { calendar: read.calendars[i]!, person: read.people[i]! };
        calendars.set(id, loaded);
        keepBeside(id, loaded.calendar.state.status !== 'absent' || loaded.person.status === 'registered', { calendar: loaded.calendar, account: loaded.person });
      });
      // Only principals that exist get a stamp: ids a caller makes up leave nothing in Redis. Made after the read, so
      // nothing read now is kept beside it (a write in between may have moved it); `current` never rejects.
      if (unstamped.length > 0) await stamps.current([...new Set(unstamped)]);
    }
    const reader = calendarReaderFromUser(account, readerID);
    return calendarIDs.map((id) => {
      const { calendar, person } = calendars.get(id)!;
      return { calendar, role: accessRoleOf(calendar.state, reader), person };
    });
  };
}
