import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

/**
 * Runs `fn` while sampling the event loop's delay. `maxDelayMs` is the histogram's maximum, the longest
 * interval between its 10 ms timer ticks: it over-states a block by up to 10 ms, so guards built on it err
 * strict. Sampling starts at the sampler's first tick and ends at the tick after `fn`, so no block is missed.
 */
export async function measureEventLoopDelay<T>(fn: () => Promise<T>): Promise<{ result: T; maxDelayMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const nextTick = async () => {
    const ticks = histogram.count;
    while (histogram.count <= ticks) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  let result: T;
  try {
    // The sampler measures from its first tick on: a block before that would go unseen.
    await nextTick();
    result = await fn();
    // A block at the very end of `fn` is recorded by the next tick: wait for that tick, not a fixed time.
    await nextTick();
  } finally {
    histogram.disable();
  }
  return { result, maxDelayMs: histogram.max / 1e6 };
}

/**
 * Runs `fn` and throws when the loop was held up for more than `maxBlockMs` at any moment: a synchronous
 * stretch that long stops every other request, health checks and SIGTERM handling too.
 */
export async function withEventLoopGuard<T>(fn: () => Promise<T>, maxBlockMs = 50): Promise<{ result: T; maxDelayMs: number }> {
  const measured = await measureEventLoopDelay(fn);
  if (measured.maxDelayMs > maxBlockMs) {
    throw new Error(`the event loop was blocked for up to ${measured.maxDelayMs.toFixed(1)} ms (allowed: ${maxBlockMs} ms)`);
  }
  return measured;
}
