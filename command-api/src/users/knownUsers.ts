const MAX_KNOWN_USERS = 100_000;

/**
 * Ids seen to have a User stream. Streams are never deleted, so once true this stays true and need not be
 * read again. Bounded: past `max` it starts again, and a forgotten id only costs one more read.
 */
export function knownUserIDs(max = MAX_KNOWN_USERS): { has(userID: string): boolean; add(userID: string): void } {
  const ids = new Set<string>();
  return {
    has: (userID) => ids.has(userID),
    add(userID) {
      if (ids.size >= max && !ids.has(userID)) ids.clear();
      ids.add(userID);
    },
  };
}
