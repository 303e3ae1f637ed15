import { performance } from 'node:perf_hooks';

/** Polls `done` until it holds (bounded: throws naming `what` after `timeoutMs`); resolves with the ms it took. */
export async function pollUntil(done: () => Promise<boolean>, options: { timeoutMs: number; pollMs?: number; what: string | (() => string) }): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await done()) return performance.now() - t0;
    if (performance.now() - t0 > options.timeoutMs) {
      throw new Error(`${typeof options.what === 'string' ? options.what : options.what()} did not happen within ${options.timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 20));
  }
}
