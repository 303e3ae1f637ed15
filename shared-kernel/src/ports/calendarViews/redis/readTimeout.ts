/**
 * `work`, or a rejection once `ms` have passed without an answer: a slow Redis must not hold up a read
 * the read model can answer instead (the command itself still completes or times out on its own).
 *
 * Only time Redis had counts. A saturated process (long turns of its loop, a garbage collection of a
 * second) must not take its own delay for Redis's: the clock starts when the command has gone out (the
 * client writes it, auto-pipelined, in this turn's check phase: this starts after it), and a passed deadline
 * is acted on only after one more poll phase, where an answer already waiting in the socket is read.
 * Without both, a busy process took answers that had arrived for timeouts and fell back to the read model,
 * which costs far more, and fell further behind: free/busy collapsed under load in the bench (issue 15).
 */
export function withinReadTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = () => setImmediate(() => {
      if (!settled) reject(new Error(`no answer from Redis within ${ms} ms`));
    });
    setImmediate(() => {
      if (!settled) timer = setTimeout(giveUp, ms);
    });
    work.then(
      (value) => { settled = true; clearTimeout(timer); resolve(value); },
      (err: unknown) => { settled = true; clearTimeout(timer); reject(err); },
    );
  });
}
