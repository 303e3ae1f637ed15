/**
 * `work`, or a rejection once `ms` have passed without an answer: a slow Redis must not hold up a read
 * the read model can answer instead (the command itself still completes or times out on its own).
 *
 * A deadline that passes while this process's own loop was busy (a saturated query API) says nothing of
 * Redis: the answer may already wait in the socket, read only in the loop's poll phase, which comes after
 * the timers. So a passed deadline is acted on only after one more poll phase (`setImmediate`). Without
 * that, a busy process took answers that had arrived for timeouts, fell back to the read model, which
 * costs far more, and fell further behind: free/busy collapsed under load in the bench (issue 15).
 */
export function withinReadTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => setImmediate(() => {
      if (!settled) reject(new Error(`no answer from Redis within ${ms} ms`));
    }), ms);
    work.then(
      (value) => { settled = true; clearTimeout(timer); resolve(value); },
      (err: unknown) => { settled = true; clearTimeout(timer); reject(err); },
    );
  });
}
