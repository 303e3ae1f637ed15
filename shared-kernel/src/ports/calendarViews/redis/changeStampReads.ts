import { Cluster } from 'ioredis';
import type { CalendarViews } from '../calendarViews';
import { withinReadTimeout } from './readTimeout';
import type { RedisViewContext } from './viewContext';
import { stampKeyOf } from './viewKeys';

/** The views' change stamps: one script call on a standalone server; one HGET per view on a Cluster (the keys sit in different slots). */
export function redisViewChangeStamps(view: RedisViewContext): Pick<CalendarViews, 'changeStamps'> {
  return {
    async changeStamps(userIDs) {
      if (userIDs.length === 0) return [];
      const keys = userIDs.map((userID) => stampKeyOf(view.prefix, userID));
      try {
        const found = view.redis instanceof Cluster
          ? await withinReadTimeout(Promise.all(keys.map((key) => view.redis.hget(key, 'n'))), view.readTimeoutMs)
          : await withinReadTimeout(view.scripts.changeStamps(keys), view.readTimeoutMs);
        if (!Array.isArray(found) || found.length !== userIDs.length) return undefined;
        return found.map((stamp) => (typeof stamp === 'string' ? stamp : null));
      } catch (err) {
        view.logger?.warn({ err }, 'calendar view stamps unreadable; answers are built afresh');
        return undefined;
      }
    },
  };
}
