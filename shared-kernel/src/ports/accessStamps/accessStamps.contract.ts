import { randomUUID } from 'node:crypto';
import type { AccessStamps } from './accessStamps';

export interface AccessStampsContractOptions {
  create(): Promise<AccessStamps>;
  dispose(stamps: AccessStamps): Promise<void>;
}

/** The one contract every AccessStamps adapter must meet. */
export function accessStampsContract(name: string, options: AccessStampsContractOptions): void {
  describe(`AccessStamps contract: ${name}`, () => {
    let stamps: AccessStamps;
    beforeEach(async () => {
      stamps = await options.create();
    });
    afterEach(async () => {
      await options.dispose(stamps);
    });

    it('reads null for a principal never touched, and the stamps in the order asked', async () => {
      const [a, b, never] = [randomUUID(), randomUUID(), randomUUID()];
      expect(await stamps.read([])).toEqual([]);
      expect(await stamps.read([never])).toEqual([null]);
      await stamps.touch([a]);
      await stamps.touch([b]);
      const [sa, sb, sn] = (await stamps.read([a, b, never]))!;
      expect(typeof sa).toBe('string');
      expect(typeof sb).toBe('string');
      expect(sn).toBeNull();
      expect(await stamps.read([b, a])).toEqual([sb, sa]);
    });

    it('makes a stamp for a principal that has none when asked for the current ones, and keeps the ones there', async () => {
      const [touched, never] = [randomUUID(), randomUUID()];
      await stamps.touch([touched]);
      const [before] = (await stamps.read([touched]))!;
      const current = (await stamps.current([touched, never]))!;
      expect(current[0]).toBe(before);
      expect(typeof current[1]).toBe('string');
      expect(await stamps.read([touched, never])).toEqual(current);
      expect(await stamps.current([never])).toEqual([current[1]]);
      expect(await stamps.current([])).toEqual([]);
    });

    it('gives a touched principal a stamp it never had, and leaves the others alone', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const seen = new Set<string>();
      await stamps.touch([a, b]);
      const [, before] = (await stamps.read([a, b]))!;
      for (let i = 0; i < 5; i++) {
        await stamps.touch([a]);
        const [now, other] = (await stamps.read([a, b]))!;
        expect(seen.has(now!)).toBe(false);
        seen.add(now!);
        expect(other).toBe(before);
      }
    });
  });
}
