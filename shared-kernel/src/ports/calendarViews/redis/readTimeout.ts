/**
 * `work`, or a rejection once `ms` have passed without an answer: a slow Redis must not hold up a read
 * the read model can answer instead (the command itself still completes or times out on its own).
 */
export function withinReadTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
    work.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (err: unknown) => { clearTimeout(timer); reject(err); },
    );
  });
}
