/**
 * How a store tells this process's listeners that it appended (`EventStore.onAppended`): each store
 * notifies after an append commits, and a tailing consumer reads at once instead of waiting for its poll.
 */
export function appendSignal(): { notify(): void; onAppended(listener: () => void): () => void } {
  const listeners = new Set<() => void>();
  return {
    notify() {
      for (const listener of listeners) listener();
    },
    onAppended(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
