/**
 * Access stamps: one per principal (a calendar, a person), moved by every write that may change what
 * someone may see through it — a rule of the calendar, the calendar itself, the person's account or
 * calendar list. A reader that keeps an answer built from rights keeps the stamps it read *before*
 * reading those rights; while they are unchanged, the rights are too. The command side moves them right
 * after its append (before it answers), so a revoked reader's very next read builds afresh; the projector
 * moves them again once it has applied the event (a command process that died between its append and
 * the stamp, and grants that reach a person's calendar list only through the read model).
 */
export interface AccessStamps {
  /** Gives each principal a stamp it never had. Rejects when the backend fails. */
  touch(principalIDs: readonly string[]): Promise<void>;
  /** Each principal's stamp, in the order asked (null: never touched, or long untouched). `undefined` when the backend failed. Never rejects. */
  read(principalIDs: readonly string[]): Promise<(string | null)[] | undefined>;
  /**
   * Each principal's stamp, one made where there is none (so an answer is never kept beside "no stamp", which a
   * stamp lost by eviction or failover would read as again). `undefined` when the backend failed. Never rejects.
   */
  current(principalIDs: readonly string[]): Promise<string[] | undefined>;
}

/**
 * How long a stamp is kept after its last touch. An untouched principal reads null; an answer kept
 * beside a null stamp must not outlive this (see ACCESS_STAMP_READER_MAX_AGE_MS), or a stamp touched
 * and then expired would read null again and vouch for rights that changed in between.
 */
export const ACCESS_STAMP_TTL_MS = 86_400_000;

/** The longest a reader may keep an answer on the strength of its stamps: far inside the stamps' TTL (a person looks at their week again within minutes). */
export const ACCESS_STAMP_READER_MAX_AGE_MS = 10 * 60_000;
