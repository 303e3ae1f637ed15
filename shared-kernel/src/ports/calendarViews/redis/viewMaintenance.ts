import { Cluster } from 'ioredis';
import type { CalendarViewEntry, CalendarViews } from '../calendarViews';
import { decodeRow } from './storedRow';
import type { RedisViewContext } from './viewContext';
import { allViewsPattern, viewKeysOf } from './viewKeys';

/** What replay and checksums need of the views: a view's whole content, and dropping every view. */
export function redisViewMaintenance(view: RedisViewContext): Pick<CalendarViews, 'entries' | 'clear'> {
  return {
    async entries(userID) {
      const found = await view.scripts.entries(viewKeysOf(view.prefix, userID));
      const [rows, versions] = Array.isArray(found) ? (found as [string[], string[]]) : [[], []];
      const versionOf = new Map<string, number>();
      for (let i = 0; i + 1 < versions.length; i += 2) versionOf.set(String(versions[i]), Number(versions[i + 1]));
      const entries: CalendarViewEntry[] = [];
      for (let i = 0; i + 1 < rows.length; i += 2) {
        const eventID = String(rows[i]);
        entries.push({ version: versionOf.get(eventID) ?? 0, row: decodeRow(userID, String(rows[i + 1])).row });
      }
      return entries.sort((a, b) => (a.row.event.eventID < b.row.event.eventID ? -1 : 1));
    },

    async clear() {
      const pattern = allViewsPattern(view.prefix);
      // A Cluster's keys are spread over its masters: each is scanned.
      const nodes = view.redis instanceof Cluster ? view.redis.nodes('master') : [view.redis];
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) {
            const batch = node.pipeline();
            for (const key of keys) batch.unlink(key);
            await batch.exec();
          }
        } while (cursor !== '0');
      }
    },
  };
}
