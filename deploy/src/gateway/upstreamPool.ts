/**
 * The replicas of one service behind the gateway (the scale-out profile runs two of each): requests take
 * them in turn (round robin). A replica that refused a connection is passed over for `downForMs`, then
 * given requests again (the first one that reaches it finds out whether it is back), so a replica that
 * stopped costs no client a failed request and one that restarts is used again within that time.
 */
export interface UpstreamPool {
  /** Each replica's origin (scheme, host, port), in the order configured. */
  readonly origins: readonly URL[];
  /**
   * The replicas to try for one request, in order: the next in turn first, then the others in turn, those
   * marked down last (still tried, so a pool whose replicas all failed once is not refused outright).
   */
  order(): URL[];
  /** The replica refused a connection: pass it over for a while. */
  markDown(origin: URL): void;
}

/** The origin of a configured upstream: whatever path it was given is not used. */
export function originOf(base: string): URL {
  return new URL(new URL(base).origin);
}

export function upstreamPool(bases: readonly string[], options: { downForMs?: number; clock?: () => number } = {}): UpstreamPool {
  if (bases.length === 0) throw new Error('an upstream needs at least one replica');
  const origins = bases.map(originOf);
  const downForMs = options.downForMs ?? 2_000;
  const clock = options.clock ?? Date.now;
  const downUntil = new Map<string, number>();
  let turn = 0;
  return {
    origins,
    order() {
      const start = turn;
      turn = (turn + 1) % origins.length;
      const rotated = origins.map((_, i) => origins[(start + i) % origins.length] as URL);
      const now = clock();
      const isDown = (origin: URL) => (downUntil.get(origin.href) ?? 0) > now;
      return [...rotated.filter((o) => !isDown(o)), ...rotated.filter(isDown)];
    },
    markDown(origin) {
      downUntil.set(origin.href, clock() + downForMs);
    },
  };
}
