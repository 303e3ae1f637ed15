import fc from 'fast-check';
import { isoInstant } from './isoInstant';

describe('isoInstant', () => {
  it('formats every instant exactly as toISOString', () => {
    const min = Date.parse('-010000-01-01T00:00:00Z');
    const max = Date.parse('+010000-01-01T00:00:00Z');
    fc.assert(fc.property(fc.integer({ min, max }), (ms) => isoInstant(ms) === new Date(ms).toISOString()), { numRuns: 20_000 });
    for (const iso of ['1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2030-03-31T01:00:00.000Z', '0000-01-01T00:00:00.000Z']) expect(isoInstant(Date.parse(iso))).toBe(iso);
  });

  it('refuses what toISOString refuses', () => {
    expect(() => isoInstant(Number.NaN)).toThrow(RangeError);
    expect(() => isoInstant(Infinity)).toThrow(RangeError);
  });
});
