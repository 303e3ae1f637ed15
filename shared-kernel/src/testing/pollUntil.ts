import { performance } from 'node:perf_hooks';

export interface PollUntilOptions {
  /** Gives up after this long (a bound, never a sleep: the condition is checked at least once more at the end). */
  timeoutMs: number;
  /** Pause between checks; default 20 ms. */
  pollMs?: number;
  /** What is awaited, for the error "<what> did not happen within N ms"; a function is asked only then (it may describe the last state seen). */
  what: string | (() => string);
}

/**
 * Checks `condition` until it holds and resolves with the ms that took; after `timeoutMs` rejects
 * naming what did not happen. The one way tests (and benchmarks) wait for something: a condition,
 * bounded, never a fixed sleep.
 */
export async function pollUntil(condition: () => boolean | Promise<boolean>, options: PollUntilOptions): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await condition()) return performance.now() - started;
    if (performance.now() - started > options.timeoutMs) {
      throw new Error(`${typeof options.what === 'string' ? options.what : options.what()} did not happen within ${options.timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
}
