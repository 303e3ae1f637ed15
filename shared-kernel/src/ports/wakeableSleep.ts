/**
 * A pause a poller can cut short: `sleep(ms)` resolves after `ms`, or at once when `wake()` is called
 * meanwhile (an append in this process, a stop). `wake()` with nobody asleep does nothing.
 */
export function wakeableSleep(): { sleep(ms: number): Promise<void>; wake(): void } {
  let wakeSleeper: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wakeSleeper = () => {
          clearTimeout(timer);
          resolve();
        };
      }).finally(() => {
        wakeSleeper = undefined;
      }),
    wake: () => wakeSleeper?.(),
  };
}
