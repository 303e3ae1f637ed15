/**
 * Lets the event loop serve what waits (I/O, timers, other requests) before a long piece of work goes on:
 * a 10,000-event calendar, a large iCalendar file. Awaited between chunks, so no one request holds the loop.
 */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
