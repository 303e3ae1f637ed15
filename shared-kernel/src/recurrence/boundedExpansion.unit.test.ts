import { withEventLoopGuard } from '../testing/eventLoopGuard';
import { expandSeriesBounded, type RecurrenceSeries } from './expand';
import { DEFAULT_EXPANSION_BUDGET, ExpansionBudget } from './expansionBudget';
import { RecurrenceError } from './recurrenceError';
import { MAX_COUNT } from './recurrenceLimits';
import { parseRRule } from './rrule';
import { requireBoundedExpansion, seriesExtent } from './seriesEnd';

const at = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;
const DAY = 86_400_000;

/** A series as a client writes it (limits enforced), or as one written before the limits is read back. */
function series(rule: string, dtstart = '2030-01-01T00:00:00', options: { stored?: boolean; timeZone?: string } = {}): RecurrenceSeries {
  return { timeZone: options.timeZone ?? 'UTC', dtstart, rdates: [], exdates: [], rrule: parseRRule(rule, { enforceLimits: !options.stored }) };
}

/** Expands and measures; wall time is asserted with generous bounds, the steps exactly or tightly. */
function timed(s: RecurrenceSeries, from: string, to: string, options?: { cap?: number; budget?: ExpansionBudget }) {
  const started = performance.now();
  const expansion = expandSeriesBounded(s, { from: at(from), to: at(to) }, options);
  return { ...expansion, ms: performance.now() - started };
}

describe('expansion cost depends on the window, not on the series’ age', () => {
  it('reads the largest accepted COUNT of a MINUTELY rule at a window in 2150 without walking it', () => {
    const read = timed(series(`FREQ=MINUTELY;COUNT=${MAX_COUNT}`), '2150-06-01T00:00:00Z', '2150-06-02T00:00:00Z');
    expect(read.occurrences).toEqual([]);
    expect(read.truncated).toBe(false);
    // Fast-forwarded arithmetically: the instances before the window are counted, not visited.
    expect(read.steps).toBeLessThanOrEqual(2);
    expect(read.ms).toBeLessThan(50);
  });

  it('fast-forwards a COUNT rule to exactly its last instances', () => {
    const s = series(`FREQ=MINUTELY;COUNT=${MAX_COUNT}`);
    const last = at('2030-01-01T00:00:00Z') + (MAX_COUNT - 1) * MINUTE;
    const read = timed(s, new Date(last - 2 * MINUTE).toISOString(), new Date(last + 60 * MINUTE).toISOString());
    expect(read.occurrences.map((o) => o.start)).toEqual([last - 2 * MINUTE, last - MINUTE, last]);
    expect(read.steps).toBeLessThan(10_000);
  });

  it.each([
    ['DAILY with two times a day', 'FREQ=DAILY;BYHOUR=9,17;COUNT=700', '2030-01-01T09:00:00'],
    ['WEEKLY on three days from a Wednesday', 'FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=500', '2030-01-02T10:00:00'],
    ['WEEKLY every other week with WKST=SU', 'FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,TU;COUNT=300', '2030-01-01T08:00:00'],
    ['WEEKLY with BYSETPOS', 'FREQ=WEEKLY;BYDAY=TU,TH,SA;BYSETPOS=-1,1;COUNT=400', '2030-01-03T07:30:00'],
    ['HOURLY every 5 hours at :00 and :30', 'FREQ=HOURLY;INTERVAL=5;BYMINUTE=0,30;COUNT=3000', '2030-01-01T00:30:00'],
    ['DAILY through DST in Berlin', 'FREQ=DAILY;BYHOUR=2,14;BYMINUTE=30;COUNT=1500', '2030-01-01T02:30:00'],
  ])('counts the instances it jumps over exactly: %s', (_name, rule, dtstart) => {
    const s = series(rule, dtstart, { timeZone: 'Europe/Berlin' });
    // Oracle: the same series walked from DTSTART (no jump), cut to a late window.
    const whole = expandSeriesBounded(s, { from: at('2029-12-31T00:00:00Z'), to: at('2200-01-01T00:00:00Z') }, { cap: MAX_COUNT });
    expect(whole.truncated).toBe(false);
    const starts = whole.occurrences.map((o) => o.start);
    const lastStart = starts[starts.length - 1] ?? 0;
    const from = lastStart - 20 * DAY;
    const to = lastStart + 20 * DAY;
    const read = expandSeriesBounded(s, { from, to });
    expect(read.occurrences.map((o) => o.start)).toEqual(starts.filter((start) => start >= from && start < to));
    expect(read.steps).toBeLessThan(whole.steps / 4);
  });

  it('reads a FREQ=MINUTELY series in 2190 quickly, stopping at the cap', () => {
    const read = timed(series('FREQ=MINUTELY'), '2190-03-01T00:00:00Z', '2190-03-02T00:00:00Z');
    expect(read.occurrences).toHaveLength(1000);
    expect(read.occurrences[0]?.start).toBe(at('2190-03-01T00:00:00Z'));
    expect(read.truncated).toBe(true);
    expect(read.completeBefore).toBe(at('2190-03-01T00:00:00Z') + 1000 * MINUTE);
    // A day of margin each side of what is kept (the cap), two steps a minute: nothing from the years before.
    expect(read.steps).toBeLessThanOrEqual(2 * (1440 + 1000 + 1440) + 10);
    expect(read.ms).toBeLessThan(200);
  });

  it('does not hold up the event loop with either read', async () => {
    const reads = [
      () => expandSeriesBounded(series(`FREQ=MINUTELY;COUNT=${MAX_COUNT}`), { from: at('2150-01-01T00:00:00Z'), to: at('2150-01-02T00:00:00Z') }),
      () => expandSeriesBounded(series('FREQ=MINUTELY'), { from: at('2190-01-01T00:00:00Z'), to: at('2190-01-02T00:00:00Z') }),
    ];
    // Generous for a shared CI box: the walks before the fixes held it up for minutes.
    const { maxDelayMs } = await withEventLoopGuard(async () => {
      for (const read of reads) {
        read();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }, 150);
    expect(maxDelayMs).toBeLessThanOrEqual(150);
  });
});

describe('the expansion budget', () => {
  it('stops a stored COUNT=100000000 rule that cannot be fast-forwarded, and says where it stopped', () => {
    // Accepted before the limits existed; its instances before 2150 would have to be walked one by one.
    const legacy = series('FREQ=MINUTELY;BYHOUR=9;COUNT=100000000', '2024-01-01T09:00:00', { stored: true });
    const read = timed(legacy, '2150-01-01T00:00:00Z', '2150-01-02T00:00:00Z');
    expect(read.truncated).toBe(true);
    expect(read.occurrences).toEqual([]);
    expect(read.completeBefore).toBe(at('2150-01-01T00:00:00Z'));
    expect(read.steps).toBeLessThanOrEqual(DEFAULT_EXPANSION_BUDGET);
    expect(read.steps).toBeGreaterThan(DEFAULT_EXPANSION_BUDGET - 100);
    expect(read.ms).toBeLessThan(1000);
  });

  it('stops at a given budget, and everything before completeBefore is exact', () => {
    const s = series('FREQ=DAILY;BYDAY=MO,WE,FR;BYHOUR=9;COUNT=5000', '2030-01-01T09:00:00', { timeZone: 'America/New_York' });
    const window = { from: at('2030-01-01T00:00:00Z'), to: at('2040-01-01T00:00:00Z') };
    const whole = expandSeriesBounded(s, window, { cap: MAX_COUNT });
    const budget = new ExpansionBudget(500);
    const cut = expandSeriesBounded(s, window, { cap: MAX_COUNT, budget });
    expect(cut.truncated).toBe(true);
    expect(cut.steps).toBe(budget.spent);
    expect(budget.spent).toBeLessThanOrEqual(500);
    expect(budget.exhausted).toBe(true);
    expect(cut.completeBefore).toBeGreaterThan(window.from);
    expect(cut.occurrences).toEqual(whole.occurrences.filter((o) => o.start < cut.completeBefore));
    expect(cut.occurrences.length).toBeGreaterThan(50);
  });

  it('is shared by the expansions it is passed to', () => {
    const budget = new ExpansionBudget(300);
    const s = series('FREQ=DAILY;BYDAY=MO');
    const first = expandSeriesBounded(s, { from: at('2030-01-01T00:00:00Z'), to: at('2031-01-01T00:00:00Z') }, { budget });
    const second = expandSeriesBounded(s, { from: at('2030-01-01T00:00:00Z'), to: at('2031-01-01T00:00:00Z') }, { budget });
    expect(first.truncated).toBe(true);
    expect(second.truncated).toBe(true);
    expect(second.occurrences).toEqual([]);
    expect(first.steps + second.steps).toBe(budget.spent);
  });
});

describe('seriesExtent: where a series ends, computed once and bounded', () => {
  it('walks at most MAX_COUNT instances of a COUNT rule', () => {
    const extent = seriesExtent(series(`FREQ=MINUTELY;COUNT=${MAX_COUNT}`));
    expect(extent).toEqual({ lastStart: at('2030-01-01T00:00:00Z') + (MAX_COUNT - 1) * MINUTE, truncated: false, steps: expect.any(Number) });
    expect(extent.steps).toBeLessThanOrEqual(2 * MAX_COUNT + 2);
  });

  it('is +Infinity, found at no cost, for an endless rule', () => {
    expect(seriesExtent(series('FREQ=MINUTELY'))).toEqual({ lastStart: Infinity, truncated: false, steps: 0 });
  });

  it('gives up on a stored COUNT=100000000 rule within the budget: unknown counts as endless', () => {
    const started = performance.now();
    const extent = seriesExtent(series('FREQ=MINUTELY;COUNT=100000000', '2024-01-01T00:00:00', { stored: true }));
    expect(extent.lastStart).toBe(Infinity);
    expect(extent.truncated).toBe(true);
    expect(extent.steps).toBeLessThanOrEqual(DEFAULT_EXPANSION_BUDGET);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops at the end of the valid domain', () => {
    const extent = seriesExtent(series(`FREQ=YEARLY;COUNT=${MAX_COUNT}`, '2030-07-01T12:00:00'));
    expect(extent.lastStart).toBe(at('2199-07-01T12:00:00Z'));
    expect(extent.steps).toBeLessThan(400);
  });

  it('refuses a rule too sparse to expand whole within the budget, naming COUNT', () => {
    // Within every static limit, but 29 February only in DAILY steps: ~110,000 days from 1900 to 2200.
    const sparse = series('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=10000', '1900-01-01T09:00:00');
    expect(() => requireBoundedExpansion(sparse)).toThrow(RecurrenceError);
    expect(() => requireBoundedExpansion(sparse)).toThrow(expect.objectContaining({ part: 'COUNT' }));
    expect(() => requireBoundedExpansion(series('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=70', '1904-02-29T09:00:00'))).not.toThrow();
    expect(() => requireBoundedExpansion(series(`FREQ=MINUTELY;COUNT=${MAX_COUNT}`))).not.toThrow();
  });
});
