import { performance } from 'node:perf_hooks';

/**
 * `work`, or a rejection once `ms` have passed without an answer: a slow Redis must not hold up a read
 * the read model can answer instead (the command itself still completes or times out on its own).
 *
 * Time this process's own loop was stalled (long turns of a saturated process, a garbage collection of
 * a second) is not Redis's: the clock starts no earlier than this turn's check phase, where the client
 * writes an auto-pipelined command, and a deadline that fires late (the loop was held past it by more
 * than half of `ms`) is given `ms` once more, in which the answer that arrived meanwhile, or a command
 * that waited in the process behind the pipeline before it, is read. Without this, a busy process took
 * answers that had arrived for timeouts and fell back to the read model, which costs far more, and fell
 * further behind: free/busy collapsed under load in the bench (issue 15). At most 2·`ms` plus the stalls.
 */
export function withinReadTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (again: boolean) => {
      const due = performance.now() + ms;
      timer = setTimeout(() => {
        if (settled) return;
        if (!again && performance.now() - due > ms / 2) arm(true);
        else reject(new Error(`no answer from Redis within ${ms} ms`));
      }, ms);
    };
    setImmediate(() => {
      if (!settled) arm(false);
    });
    work.then(
      (value) => { settled = true; clearTimeout(timer); resolve(value); },
      (err: unknown) => { settled = true; clearTimeout(timer); reject(err); },
    );
  });
}
