import { upstreamPool } from './upstreamPool';

describe('upstreamPool', () => {
  const bases = ['http://127.0.0.1:4001/ignored', 'http://127.0.0.1:4002', 'http://127.0.0.1:4003'];
  const ports = (origins: URL[]) => origins.map((o) => Number(o.port));

  it('takes the replicas in turn, each request trying the others after its first', () => {
    const pool = upstreamPool(bases);
    expect([ports(pool.order()), ports(pool.order()), ports(pool.order()), ports(pool.order())]).toEqual([
      [4001, 4002, 4003], [4002, 4003, 4001], [4003, 4001, 4002], [4001, 4002, 4003],
    ]);
    expect(pool.origins.map((o) => o.href)).toEqual(['http://127.0.0.1:4001/', 'http://127.0.0.1:4002/', 'http://127.0.0.1:4003/']);
  });

  it('passes over a replica marked down, last rather than never, until its time is up', () => {
    let now = 0;
    const pool = upstreamPool(bases, { downForMs: 1000, clock: () => now });
    pool.markDown(new URL('http://127.0.0.1:4002'));
    expect([ports(pool.order()), ports(pool.order()), ports(pool.order())]).toEqual([[4001, 4003, 4002], [4003, 4001, 4002], [4003, 4001, 4002]]);
    now = 1000;
    expect(ports(pool.order())).toEqual([4001, 4002, 4003]);
  });

  it('needs a replica', () => {
    expect(() => upstreamPool([])).toThrow(/at least one replica/);
  });
});
