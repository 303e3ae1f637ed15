import { ACCESS_STAMP_READER_MAX_AGE_MS, type AccessStamps, type CalendarViews } from '@datebook/shared-kernel/ports';

/** What an answer was built from: the principals whose rights it read, and the views whose rows it read. */
export interface AnswerSources {
  accessOf: readonly string[];
  viewsOf: readonly string[];
}

interface KeptAnswer extends AnswerSources {
  person: string;
  stamps: string;
  json: string;
  until: number;
  /** What it holds in memory, roughly: the answer's UTF-16 units and the ids. */
  bytes: number;
}

export interface KeptAnswersOptions {
  access: AccessStamps;
  views: Pick<CalendarViews, 'changeStamps'>;
  clock: () => Date;
  /** Answers kept at most (the oldest go first). Default 20,000. */
  maxEntries?: number;
  /** Memory the kept answers may hold in all (the oldest go first). Default 64 MiB. */
  maxBytes?: number;
  /** Answers kept per person (their oldest goes first): one person asking for many windows cannot push everyone else out. Default 8. */
  maxPerPerson?: number;
  /** An answer longer than this is not kept. Default 256 KiB. */
  maxAnswerBytes?: number;
}

/**
 * Calendar answers kept per request shape (person, window, zone, calendars), each beside the stamps of
 * everything it was built from: the access stamps of the person and of each calendar whose rights it
 * read, and the change stamps of the views whose rows it read, all read *before* those rights and rows.
 * A request whose stamps all read the same gets the kept bytes: one Redis round trip, no store, read
 * model or rows — and it is exactly the answer a fresh build would give, since nothing it depends on
 * has moved. Anything that moves a stamp (a write to a view, a rule, a calendar, the person's account)
 * makes the next request build afresh. Stamps that cannot be read keep nothing and serve nothing.
 */
export function keptAnswers(options: KeptAnswersOptions) {
  const maxEntries = options.maxEntries ?? 20_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxPerPerson = options.maxPerPerson ?? 8;
  const maxAnswerBytes = options.maxAnswerBytes ?? 256 * 1024;
  const kept = new Map<string, KeptAnswer>();
  const keysOf = new Map<string, string[]>();
  let bytes = 0;

  function forget(key: string): void {
    const answer = kept.get(key);
    if (!answer) return;
    kept.delete(key);
    bytes -= answer.bytes;
    const keys = keysOf.get(answer.person)?.filter((k) => k !== key) ?? [];
    if (keys.length > 0) keysOf.set(answer.person, keys);
    else keysOf.delete(answer.person);
  }

  /** Both kinds of stamps of `sources` as one string, or undefined when either could not be read. */
  async function stampsOf(sources: AnswerSources): Promise<string | undefined> {
    const [access, views] = await Promise.all([options.access.read(sources.accessOf), options.views.changeStamps([...sources.viewsOf])]);
    if (!access || !views) return undefined;
    return `${access.join(',')}|${views.join(',')}`;
  }

  return {
    /** The answer kept for `key` when every stamp it was built under still reads the same. */
    async current(key: string): Promise<string | undefined> {
      const answer = kept.get(key);
      if (!answer) return undefined;
      if (answer.until <= options.clock().getTime()) {
        forget(key);
        return undefined;
      }
      return (await stampsOf(answer)) === answer.stamps ? answer.json : undefined;
    },

    /** Reads the stamps of what an answer is about to be built from (making any that is missing): call before reading it. */
    async accessStamps(principalIDs: readonly string[]): Promise<string[] | undefined> {
      return options.access.current(principalIDs);
    },
    async viewStamps(userIDs: readonly string[]): Promise<(string | null)[] | undefined> {
      return options.views.changeStamps([...userIDs]);
    },

    /**
     * Keeps `json` for `key`, built from `sources` after their stamps were read (`access`, `views`, in the
     * sources' order). Kept no longer than an access stamp can be trusted to have stayed (see accessStamps.ts).
     */
    keep(key: string, person: string, sources: AnswerSources, access: readonly (string | null)[], views: readonly (string | null)[], json: string): void {
      forget(key);
      const size = 2 * json.length + 40 * (sources.accessOf.length + sources.viewsOf.length) + 2 * key.length;
      if (json.length > maxAnswerBytes) return;
      const theirs = keysOf.get(person) ?? [];
      if (theirs.length >= maxPerPerson) forget(theirs[0]!);
      while (kept.size > 0 && (kept.size >= maxEntries || bytes + size > maxBytes)) forget(kept.keys().next().value!);
      kept.set(key, { ...sources, person, stamps: `${access.join(',')}|${views.join(',')}`, json, until: options.clock().getTime() + ACCESS_STAMP_READER_MAX_AGE_MS, bytes: size });
      keysOf.set(person, [...(keysOf.get(person) ?? []), key]);
      bytes += size;
    },

    /** Drops what is kept for `key` (an answer built afresh that may not be kept). */
    forget,
  };
}

export type KeptAnswers = ReturnType<typeof keptAnswers>;
