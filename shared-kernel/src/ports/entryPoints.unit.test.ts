import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Each driver is reachable only through its own entry point, so a process loads only the drivers it uses.
const DRIVERS = ['pg', '@electric-sql/pglite', 'kafkajs', 'ioredis', '@kurrent/kurrentdb-client'];

/** Every package a file reaches through its static imports (relative imports followed; `import type` skipped). */
function packagesReachedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, typeOnly, specifier] of source.matchAll(/(?:^|\n)\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/g)) {
      if (typeOnly || !specifier) continue;
      if (!specifier.startsWith('.')) {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
        continue;
      }
      const base = resolve(dirname(file), specifier);
      const target = [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
      if (!target) throw new Error(`${file}: cannot resolve ${specifier}`);
      visit(target);
    }
  };
  visit(entry);
  return packages;
}

const driversReachedFrom = (entry: string) => DRIVERS.filter((driver) => packagesReachedFrom(join(__dirname, entry)).has(driver));

describe('port entry points', () => {
  it('the ports barrel and the runtime load no driver', () => {
    expect(driversReachedFrom('index.ts')).toEqual([]);
    expect(driversReachedFrom('../runtime/index.ts')).toEqual([]);
    expect(driversReachedFrom('../index.ts')).toEqual([]);
  });

  it.each([
    ['pg.ts', ['pg']],
    ['pglite.ts', ['@electric-sql/pglite']],
    ['kafka.ts', ['kafkajs']],
    ['redis.ts', ['ioredis']],
    ['kurrent.ts', ['@kurrent/kurrentdb-client']],
  ])('%s loads its own driver and no other', (entry, drivers) => {
    expect(driversReachedFrom(entry)).toEqual(drivers);
  });
});
