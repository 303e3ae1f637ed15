import { ACCESS_STAMP_READER_MAX_AGE_MS, type AccessStamps, type CalendarViews } from '@datebook/shared-kernel/ports';

/** What an answer was built from: the principals whose rights it read, and the views whose rows it read. */
export interface AnswerSources {
  accessOf: readonly string[];
  viewsOf: readonly string[];
}

interface KeptAnswer extends AnswerSources {
  stamps: string;
  json: string;
  until: number;
}

export interface KeptAnswersOptions {
  access: AccessStamps;
  views: Pick<CalendarViews, 'changeStamps'>;
  clock: () => Date;
  /** Answers kept at most (the oldest go first). Default 20,000. */
  maxEntries?: number;
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
  const maxAnswerBytes = options.maxAnswerBytes ?? 256 * 1024;
  const kept = new Map<string, KeptAnswer>();

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
        kept.delete(key);
        return undefined;
      }
      return (await stampsOf(answer)) === answer.stamps ? answer.json : undefined;
    },

    /** Reads the stamps of what an answer is about to be built from: call before reading it. */
    async accessStamps(principalIDs: readonly string[]): Promise<(string | null)[] | undefined> {
      return options.access.read(principalIDs);
    },
    async viewStamps(userIDs: readonly string[]): Promise<(string | null)[] | undefined> {
      return options.views.changeStamps([...userIDs]);
    },

    /**
     * Keeps `json` for `key`, built from `sources` after their stamps were read (`access`, `views`, in the
     * sources' order). Kept no longer than an access stamp can be trusted to have stayed (see accessStamps.ts).
     */
    keep(key: string, sources: AnswerSources, access: readonly (string | null)[], views: readonly (string | null)[], json: string): void {
      if (json.length > maxAnswerBytes) return;
      kept.delete(key);
      if (kept.size >= maxEntries) kept.delete(kept.keys().next().value!);
      kept.set(key, { ...sources, stamps: `${access.join(',')}|${views.join(',')}`, json, until: options.clock().getTime() + ACCESS_STAMP_READER_MAX_AGE_MS });
    },
  };
}

export type KeptAnswers = ReturnType<typeof keptAnswers>;
