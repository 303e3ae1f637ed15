import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { readModelViewEntries } from '../calendarViews/readModelViewEntries';
import type { SqlExecutor } from '../sql/sqlDatabase';
import { attendanceRows } from './attendanceRows';
import { READ_MODEL_SCHEMA } from './readModelSchema';

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] }

const scans = (node: PlanNode): string[] => [
  ...(node['Node Type'] === 'Seq Scan' ? [node['Relation Name'] ?? '?'] : []),
  ...(node.Plans ?? []).flatMap(scans),
];

/**
 * The attendance reads run on every booking (conflicts), every cold week view, availability and free/busy,
 * and every view copy, as prepared statements (preparedStatements.ts): PostgreSQL may then run them on a
 * generic plan, made without the parameters' values. On analyzed tables of a live size, that plan must stay
 * a key lookup per row: a plain join once became a hash join over a sequential scan of all of rm_events.
 */
describe('attendance reads: their generic plans on analyzed tables of a live size scan no table whole', () => {
  let testDb: TestDatabase;
  let client: Client;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    client = new Client({ connectionString: testDb.url });
    await client.connect();
    await client.query(READ_MODEL_SCHEMA);
    // 2,000 people hosting 10 events each over two years, each event with its host and two guests.
    await client.query(`insert into rm_users (user_id, user_name, email, time_zone, version)
      select md5('u' || n)::uuid, 'u' || n, 'u' || n || '@example.com', 'Europe/Berlin', 1 from generate_series(1, 2000) n`);
    await client.query(`insert into rm_events (event_id, host_id, title, start_time, end_time, time_zone, all_day, recurrence, exceptions,
        transparency, status, state, version, updated_at)
      select md5('e' || n)::uuid, md5('u' || (n % 2000 + 1))::uuid, 'event ' || n, t, t + interval '1 hour', 'Europe/Berlin', false, '[]', '[]',
        'opaque', 'confirmed', jsonb_build_object('title', 'event ' || n, 'padding', repeat('x', 400)), 1, now()
      from generate_series(1, 20000) n, lateral (select timestamptz '2029-01-01' + (n * 3541 % 730) * interval '1 day' + (n % 10) * interval '1 hour' as t) s`);
    await client.query(`insert into rm_event_users (event_id, user_id, rsvp_status, occurrence_responses, span_start, span_end, all_day, recurring, event_status)
      select e.event_id, md5('u' || ((n + g * 7) % 2000 + 1))::uuid, case when g = 0 then 'ACCEPTED' else 'PENDING' end, '{}', e.start_time, e.end_time, false, false, 'confirmed'
      from generate_series(1, 20000) n join rm_events e on e.event_id = md5('e' || n)::uuid, generate_series(0, 2) g
      on conflict do nothing`);
    await client.query('analyze');
  }, 120_000);
  afterAll(async () => {
    await client.end();
    await testDb.drop();
  });

  /** The statement `read` sends, on this connection's generic plan: the relations it scans whole. */
  async function genericPlanScans(read: (db: SqlExecutor) => Promise<unknown>): Promise<string[]> {
    const sent: { text: string; params: unknown[] }[] = [];
    await read({
      query: async <Row,>(text: string, params: unknown[] = []) => {
        sent.push({ text, params });
        const result = await client.query(text, params);
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
      },
    });
    const [statement] = sent;
    if (!statement || sent.length !== 1) throw new Error(`expected one statement, got ${sent.length}`);
    await client.query('deallocate all');
    await client.query(`prepare attendance as ${statement.text}`);
    await client.query('set plan_cache_mode = force_generic_plan');
    const literal = (value: unknown) => (Array.isArray(value) ? `array[${value.map((v) => `'${String(v)}'`).join(',')}]::uuid[]` : `'${String(value)}'`);
    const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`explain (format json) execute attendance(${statement.params.map(literal).join(', ')})`);
    return scans(rows[0]!['QUERY PLAN'][0]!.Plan);
  }

  /**
   * Runs the statement `read` sends ten times as one prepared statement, with the read's own values, and
   * says how often PostgreSQL planned it anew (custom plans) and how often it reused its generic plan.
   */
  let prepared = 0;
  async function plansChosen(read: (db: SqlExecutor) => Promise<unknown>): Promise<{ custom: number; generic: number }> {
    const sent: { text: string; params: unknown[] }[] = [];
    await read({ query: async <Row,>(text: string, params: unknown[] = []) => { sent.push({ text, params }); return { rows: [] as Row[], rowCount: 0 }; } });
    const [statement] = sent;
    if (!statement || sent.length !== 1) throw new Error(`expected one statement, got ${sent.length}`);
    await client.query('deallocate all');
    await client.query('reset plan_cache_mode');
    const name = `chosen_${++prepared}`; // pg keeps each name's text for the connection's life
    for (let run = 0; run < 10; run++) await client.query({ name, text: statement.text, values: statement.params });
    const { rows } = await client.query<{ custom: string; generic: string }>(`select custom_plans::text as custom, generic_plans::text as generic from pg_prepared_statements where name = $1`, [name]);
    return { custom: Number(rows[0]!.custom), generic: Number(rows[0]!.generic) };
  }

  const people = [1, 2, 3, 4].map((n) => ({ n, id: '' }));
  beforeAll(async () => {
    for (const person of people) person.id = (await client.query<{ id: string }>(`select md5('u' || $1::text)::uuid::text as id`, [person.n])).rows[0]!.id;
  });

  it("conflicts, cold views, availability and free/busy (attendanceRows): several people's week", async () => {
    expect(await genericPlanScans((db) => attendanceRows(db, people.map((p) => p.id), new Date('2030-03-04T00:00:00Z'), new Date('2030-03-11T00:00:00Z')))).toEqual([]);
  });

  it("a view copy (readModelViewEntries): one person's rows from a point on", async () => {
    expect(await genericPlanScans((db) => readModelViewEntries(db, people[0]!.id, new Date('2029-06-01T00:00:00Z'), 5000))).toEqual([]);
  });

  // PostgreSQL plans a prepared statement anew for its first five runs, then keeps the generic plan unless
  // it costs more than those did: planning the conflict read every call cost more than running it.
  it('a booking\'s conflict read is planned once, not on every call', async () => {
    expect(await plansChosen((db) => attendanceRows(db, people.map((p) => p.id), new Date('2030-03-04T00:00:00Z'), new Date('2030-03-11T00:00:00Z'))))
      .toEqual({ custom: 5, generic: 5 });
  });

  it('a view copy is planned once, not on every call', async () => {
    expect(await plansChosen((db) => readModelViewEntries(db, people[0]!.id, new Date('2029-06-01T00:00:00Z'), 5000))).toEqual({ custom: 5, generic: 5 });
  });
});
