/**
 * A background loop: runs `tick` until stopped, sleeping `idleMs` when a tick found nothing to do,
 * `errorMs` after a failure. `wake()` cuts a sleep short (new work was just committed in-process).
 */
export function backgroundLoop(options: { tick: () => Promise<boolean>; idleMs: number; errorMs: number; onError: (error: unknown) => void }) {
  let running = false;
  let healthy = true;
  let done: Promise<void> = Promise.resolve();
  let wakeUp: (() => void) | undefined;
  let pendingWake = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pendingWake) {
        pendingWake = false;
        return resolve();
      }
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = finish;
    });

  return {
    start() {
      if (running) return;
      running = true;
      done = (async () => {
        while (running) {
          let busy = false;
          try {
            busy = await options.tick();
            healthy = true;
          } catch (error) {
            healthy = false;
            options.onError(error);
            if (running) await sleep(options.errorMs);
            continue;
          }
          if (running && !busy) await sleep(options.idleMs);
        }
      })();
    },
    wake() {
      if (wakeUp) wakeUp();
      else pendingWake = true;
    },
    async stop() {
      running = false;
      wakeUp?.();
      await done;
    },
    isHealthy: () => running && healthy,
  };
}
