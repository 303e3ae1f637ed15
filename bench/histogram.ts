/**
 * A log-linear latency histogram in microseconds (HdrHistogram's idea, ~0.8% precision): constant
 * memory and O(1) recording, so the load generator can record every request of a 10 s run without
 * allocating and without the recording itself showing up in the latencies.
 */
const SUB_BITS = 7; // 128 sub-buckets per power of two
const SUB = 1 << SUB_BITS;
const MAX_US = 120_000_000; // 120 s: anything slower is clamped (and is a failure anyway)

function indexOf(us: number): number {
  const v = Math.max(1, Math.min(MAX_US, Math.round(us)));
  if (v < SUB) return v;
  const e = 31 - Math.clz32(v); // position of the leading bit, >= SUB_BITS
  const sub = (v >>> (e - SUB_BITS)) & (SUB - 1);
  return (e - SUB_BITS + 1) * SUB + sub;
}

function valueOf(index: number): number {
  if (index < SUB) return index;
  const e = Math.floor(index / SUB) + SUB_BITS - 1;
  const sub = index % SUB;
  // The middle of the bucket: [ (SUB+sub) << (e-SUB_BITS), (SUB+sub+1) << (e-SUB_BITS) )
  const width = 2 ** (e - SUB_BITS);
  return (SUB + sub) * width + width / 2;
}

export interface LatencySummary {
  count: number;
  minMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
}

export class Histogram {
  private readonly counts = new Float64Array(indexOf(MAX_US) + 1);
  private n = 0;
  private sumUs = 0;
  private minUs = Infinity;
  private maxUs = 0;

  recordMs(ms: number): void {
    const us = ms * 1000;
    this.counts[indexOf(us)]! += 1;
    this.n += 1;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  get count(): number {
    return this.n;
  }

  /** The q-quantile in ms (0 when empty). */
  quantileMs(q: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(valueOf(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  summary(): LatencySummary {
    const r = (x: number) => Math.round(x * 1000) / 1000;
    return {
      count: this.n,
      minMs: r(this.n ? this.minUs / 1000 : 0),
      p50Ms: r(this.quantileMs(0.5)),
      p90Ms: r(this.quantileMs(0.9)),
      p99Ms: r(this.quantileMs(0.99)),
      p999Ms: r(this.quantileMs(0.999)),
      maxMs: r(this.maxUs / 1000),
      meanMs: r(this.n ? this.sumUs / this.n / 1000 : 0),
    };
  }
}
