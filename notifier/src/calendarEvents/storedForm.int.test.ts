import { pgSqlDatabase } from '@datebook/shared-kernel/ports/pg';
import { createTestDatabase, type TestDatabase } from '@datebook/shared-kernel/testing';
import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import fc from 'fast-check';
import { storedForm } from './storedForm';

describe('storedForm is a value as PostgreSQL jsonb gives it back', () => {
  let testDatabase: TestDatabase;
  let db: SqlDatabase;
  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    db = pgSqlDatabase({ connectionString: testDatabase.url, max: 2 });
  });
  afterAll(async () => {
    await db.close();
    await testDatabase.drop();
  });

  const readBack = async (value: unknown) => (await db.query<{ v: unknown }>('select $1::jsonb as v', [JSON.stringify(value)])).rows[0]?.v;

  test('keys shorter first, then in byte order, at every depth; undefined members left out', async () => {
    const state = {
      title: 'Planning', attendees: { 'ffffffff-0000-4000-8000-000000000000': 'ACCEPTED', '00000000-0000-4000-8000-000000000000': 'PENDING' },
      externalAttendees: { 'zoë@example.com': { optional: false }, 'zoe@example.com': { optional: true }, 'ab@example.com': { optional: false } },
      openCommand: undefined, recurrence: ['RRULE:FREQ=DAILY', undefined], a: { bb: 1, b: 2, ä: 3, z: 4 },
    };
    // JSON text keeps key order: equal text is equal order.
    expect(JSON.stringify(storedForm(state))).toBe(JSON.stringify(await readBack(state)));
  });

  test('any nesting of objects with any keys', async () => {
    const key = fc.string({ unit: 'binary', maxLength: 6 }).filter((k) => !k.includes('\u0000'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 4 }).filter((s) => !s.includes('\u0000')), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 6 })),
    })).node;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 8 }), async (object) => {
        expect(JSON.stringify(storedForm(object))).toBe(JSON.stringify(await readBack(object)));
      }),
      { numRuns: 150 },
    );
  });
});
