import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';

export interface PreparedStatementsOptions {
  /** Statements prepared at most: a text beyond these is sent as is, every time. Default 256. */
  maxPrepared?: number;
  /** Runs of a text before it is prepared: a statement built for one batch (a VALUES list of its own length) never is. Default 3. */
  prepareAfter?: number;
}

/** Texts counted, at most, while they wait to be run often enough (past it the count starts over). */
const MAX_COUNTED = 4096;

/**
 * Which statements go to PostgreSQL as named prepared statements: those with parameters run `prepareAfter`
 * times, up to `maxPrepared` texts. A prepared statement is parsed once per connection, and after five runs
 * PostgreSQL may keep a generic plan, so a repeated query skips parsing and, mostly, planning (the booking's
 * conflict lookup spent more on planning than on running). The name is the text's hash, so one name always
 * means one text on every connection of the pool (`pg` refuses a name reused for another text).
 * Statements without parameters (BEGIN, COMMIT, migrations) are always sent as they are.
 */
export function preparedStatements(options: PreparedStatementsOptions = {}) {
  const maxPrepared = options.maxPrepared ?? 256;
  const prepareAfter = options.prepareAfter ?? 3;
  const names = new Map<string, string>();
  const runs = new Map<string, number>();
  /** Texts whose prepared form failed (see `forget`): sent as they are for good, bounded like `names`. */
  const never = new Set<string>();
  return {
    /** The query as `pg` takes it: named once `text` has run often enough. */
    configOf(text: string, params: unknown[] | undefined): QueryConfig {
      if (!params || params.length === 0) return { text };
      const name = names.get(text);
      if (name) return { name, text, values: params };
      if (names.size < maxPrepared && !never.has(text)) {
        const counted = (runs.get(text) ?? 0) + 1;
        if (counted >= prepareAfter) {
          runs.delete(text);
          const named = `datebook_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
          names.set(text, named);
          return { name: named, text, values: params };
        }
        if (runs.size >= MAX_COUNTED) runs.clear();
        runs.set(text, counted);
      }
      return { text, values: params };
    },
    /**
     * Sends `text` as it is from now on, and never prepares it again: a schema change under a prepared statement
     * that reads `*` fails it on every connection that prepared it ("cached plan must not change result type",
     * 0A000), and a pooler may have dropped it (26000). Preparing it again under the same name would meet a
     * connection that still holds the broken one.
     */
    forget(text: string): void {
      names.delete(text);
      if (never.size < maxPrepared) never.add(text);
    },
  };
}
