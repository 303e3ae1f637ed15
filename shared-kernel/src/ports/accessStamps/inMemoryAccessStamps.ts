import type { AccessStamps } from './accessStamps';

/** Access stamps in process memory: the embedded default, where the command and query sides share the process. */
export function inMemoryAccessStamps(): AccessStamps {
  const stamps = new Map<string, number>();
  let last = 0;
  return {
    async touch(principalIDs) {
      for (const id of principalIDs) stamps.set(id, ++last);
    },
    async read(principalIDs) {
      return principalIDs.map((id) => (stamps.has(id) ? String(stamps.get(id)) : null));
    },
    async current(principalIDs) {
      for (const id of principalIDs) if (!stamps.has(id)) stamps.set(id, ++last);
      return principalIDs.map((id) => String(stamps.get(id)));
    },
  };
}
