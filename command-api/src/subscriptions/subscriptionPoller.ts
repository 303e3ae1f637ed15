import { DomainError } from '@datebook/shared-kernel';
import { type EventStore, readCalendar, type SqlExecutor } from '@datebook/shared-kernel/ports';
import type { Logger } from 'pino';
import type { SourceFetchResult } from './sourceFetch';
import type { SyncOutcome } from './subscriptionSync';

export interface SubscriptionPollerOptions {
  /** How often each source is fetched (default 15 minutes: what Google and Apple use for subscriptions). */
  intervalMs: number;
  /** How often the poller wakes up to look for due subscriptions (a real timer; what is due is the clock's say). */
  checkEveryMs: number;
  /** Sources fetched at the same time. */
  concurrency: number;
  /** Subscriptions looked at per wake-up (a page of the list, taken in turn). */
  pageSize: number;
  /** A refresh asked again within this of the last poll answers that poll's outcome, fetching nothing. */
  minRefreshMs: number;
}

export const DEFAULT_SUBSCRIPTION_POLLER_OPTIONS: Readonly<SubscriptionPollerOptions> = Object.freeze({
  intervalMs: 15 * 60_000, checkEveryMs: 30_000, concurrency: 4, pageSize: 1000, minRefreshMs: 10_000,
});

/** After failures a source is left alone longer each time (doubling), up to this. */
const MAX_BACKOFF_MS = 24 * 3600_000;

export interface PollResult {
  calendarID: string;
  outcome?: SyncOutcome;
  error?: unknown;
}

export interface SubscriptionPoller {
  /** Polls every subscription that is due by the clock (one page of the list); resolves when they are done. */
  pollDue(): Promise<PollResult[]>;
  /**
   * Polls one subscription now (or joins the poll under way), with content already fetched if given. Within
   * `minRefreshMs` of the last poll, answers that poll's outcome.
   */
  pollNow(calendarID: string, fetched?: SourceFetchResult): Promise<SyncOutcome>;
  /** Wakes up every `checkEveryMs` to poll what is due, until stopped. */
  start(): void;
  /** Stops waking up and waits for the polls under way. */
  stop(): Promise<void>;
}

/**
 * The schedule of subscriptions ("add calendar from URL"): each is fetched every `intervalMs` by the injected
 * clock, the first time when its last recorded sync is that old. Which calendars are subscriptions is read
 * from the read model (rm_calendars.subscription_url), each confirmed in the store before it is fetched.
 * The schedule is kept in memory: after a restart, sources whose last recorded sync is old enough are due.
 */
export function subscriptionPoller(deps: {
  store: EventStore;
  readModel: SqlExecutor;
  sync: (calendarID: string, fetched?: SourceFetchResult) => Promise<SyncOutcome>;
  clock: () => Date;
  logger: Logger;
  options?: Partial<SubscriptionPollerOptions>;
}): SubscriptionPoller {
  const options = { ...DEFAULT_SUBSCRIPTION_POLLER_OPTIONS, ...deps.options };
  const now = () => deps.clock().getTime();
  const dueAt = new Map<string, number>();
  const failures = new Map<string, number>();
  const running = new Map<string, Promise<SyncOutcome>>();
  const last = new Map<string, { at: number; outcome: SyncOutcome }>();
  let cursor = '00000000-0000-0000-0000-000000000000';
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let tick: Promise<unknown> = Promise.resolve();

  function forget(calendarID: string) {
    dueAt.delete(calendarID);
    failures.delete(calendarID);
    last.delete(calendarID);
  }

  function poll(calendarID: string, fetched?: SourceFetchResult): Promise<SyncOutcome> {
    const under = running.get(calendarID);
    if (under) return under;
    const polling = deps.sync(calendarID, fetched).then(
      (outcome) => {
        failures.delete(calendarID);
        dueAt.set(calendarID, now() + options.intervalMs);
        last.set(calendarID, { at: now(), outcome });
        return outcome;
      },
      (error: unknown) => {
        if (error instanceof DomainError && (error.code === 'CALENDAR_NOT_FOUND' || error.code === 'NOT_A_SUBSCRIPTION')) forget(calendarID);
        else {
          const failed = (failures.get(calendarID) ?? 0) + 1;
          failures.set(calendarID, failed);
          dueAt.set(calendarID, now() + Math.min(options.intervalMs * 2 ** (failed - 1), MAX_BACKOFF_MS));
        }
        throw error;
      },
    ).finally(() => running.delete(calendarID));
    running.set(calendarID, polling);
    return polling;
  }

  /** When a subscription first seen by this process is due: an interval after its last recorded sync. */
  async function firstDue(calendarID: string): Promise<number> {
    const { state } = await readCalendar(deps.store, calendarID);
    const synced = state.status === 'active' ? state.subscription?.syncedAt : undefined;
    return synced ? Date.parse(synced) + options.intervalMs : now();
  }

  async function duePage(): Promise<string[]> {
    const page = async (after: string) => (await deps.readModel.query<{ calendar_id: string }>(
      `select calendar_id::text as calendar_id from rm_calendars
        where subscription_url is not null and status = 'active' and calendar_id > $1
        order by calendar_id limit $2`,
      [after, options.pageSize],
    )).rows.map((r) => r.calendar_id);
    let ids = await page(cursor);
    if (ids.length < options.pageSize) {
      // The end of the list: start again from the beginning next time.
      cursor = '00000000-0000-0000-0000-000000000000';
      if (ids.length === 0) ids = await page(cursor);
    } else cursor = ids[ids.length - 1] as string;
    const due: string[] = [];
    for (const id of ids) {
      if (!dueAt.has(id)) dueAt.set(id, await firstDue(id));
      if ((dueAt.get(id) as number) <= now() && !running.has(id)) due.push(id);
    }
    return due;
  }

  async function pollDue(): Promise<PollResult[]> {
    const due = await duePage();
    const results: PollResult[] = [];
    for (let i = 0; i < due.length; i += options.concurrency) {
      results.push(...await Promise.all(due.slice(i, i + options.concurrency).map(async (calendarID): Promise<PollResult> => {
        try {
          return { calendarID, outcome: await poll(calendarID) };
        } catch (error) {
          deps.logger.warn({ err: error, calendarID }, 'subscription poll failed');
          return { calendarID, error };
        }
      })));
    }
    return results;
  }

  function wake() {
    timer = setTimeout(() => {
      tick = pollDue()
        .catch((err: unknown) => deps.logger.error({ err }, 'looking for due subscriptions failed'))
        .finally(() => {
          if (!stopped) wake();
        });
    }, options.checkEveryMs);
    timer.unref();
  }

  return {
    pollDue,
    async pollNow(calendarID, fetched) {
      const recent = last.get(calendarID);
      // Asked again right after a fetch: say so (a repeat of the last outcome read as a new fetch once, and hid a change).
      if (!fetched && recent && now() - recent.at < options.minRefreshMs && !running.has(calendarID)) {
        throw new RefreshTooSoonError(Math.ceil((recent.at + options.minRefreshMs - now()) / 1000));
      }
      return poll(calendarID, fetched);
    },
    start() {
      if (!stopped) return;
      stopped = false;
      wake();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await tick;
      await Promise.allSettled([...running.values()]);
    },
  };
}

/** A refresh asked for within `minRefreshMs` of the last fetch of that source: 429 with Retry-After. */
export class RefreshTooSoonError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_ATTEMPTS', `this calendar's source was fetched moments ago; refresh again in ${retryAfterSeconds} s`);
  }
}
