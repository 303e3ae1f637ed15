import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { type SqlDatabase } from '@datebook/shared-kernel/ports';
import { startTestSystem, type TestSystem } from './testing/testSystem';

const repo = resolve(__dirname, '../..');
const run = promisify(execFile);

type Operation = { operationId?: string; parameters?: { name: string; in: string }[]; responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }> };

/** The embedded system's OpenAPI document: every route the product serves, as served. */
describe('the OpenAPI document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'datebook-openapi-'));
  let database: SqlDatabase;
  let system: TestSystem;
  let document: { servers?: unknown[]; paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    database = await pgliteSqlDatabase();
    system = await startTestSystem(database);
    document = (await system.http().get('/openapi.json').expect(200)).body;
  }, 60_000);
  afterAll(async () => {
    await system.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const operations = () => Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
  const operation = (method: string, path: string) => {
    const found = document.paths[path]?.[method];
    if (!found) throw new Error(`${method} ${path} is not documented`);
    return found;
  };

  test('passes `redocly lint` with the recommended rules: no error, no warning', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    // Redocly's usage telemetry and update check stay off: the lint runs offline.
    const env = { ...process.env, NODE_OPTIONS: '', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true', DO_NOT_TRACK: '1' };
    const cli = join(repo, 'node_modules/@redocly/cli/bin/cli.js');
    const result = await run(process.execPath, [cli, 'lint', file, '--config', join(repo, 'redocly.yaml'), '--format', 'json'], { cwd: repo, env, maxBuffer: 16 * 1024 * 1024 })
      .catch((failed: { stdout?: string; stderr?: string }) => ({ stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }));
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 30_000);

  test('names every operation uniquely and says which server it describes', () => {
    const ids = operations().map((o) => o.operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  test('every operation declares its client errors as problems', () => {
    for (const { path, method, operation: o } of operations()) {
      const clientErrors = Object.keys(o.responses).filter((status) => /^4\d\d$/.test(status));
      if (['/healthz', '/readyz', '/openapi.json', '/docs'].includes(path)) continue;
      expect({ [`${method} ${path}`]: clientErrors.length > 0 }).toEqual({ [`${method} ${path}`]: true });
      for (const status of clientErrors) expect(Object.keys(o.responses[status]?.content ?? {})).toEqual(['application/problem+json']);
    }
    expect(Object.keys(operation('get', '/events').responses)).toEqual(expect.arrayContaining(['400', '401', '503']));
    expect(Object.keys(operation('post', '/events').responses)).toEqual(expect.arrayContaining(['400', '401', '409', '413', '415', '422']));
  });

  test('PUT and DELETE of an event take If-Match and may answer 412', () => {
    for (const method of ['put', 'delete']) {
      const o = operation(method, '/events/{eventID}');
      expect(o.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'If-Match', in: 'header' })]));
      expect(o.responses['412']).toBeDefined();
    }
  });

  test('declares ETag, X-Consistency-Token, Location and Retry-After where they are sent', () => {
    const headersOf = (method: string, path: string, status: string) => Object.keys(operation(method, path).responses[status]?.headers ?? {}).sort();
    expect(headersOf('post', '/events', '201')).toEqual(['ETag', 'Location', 'X-Consistency-Token']);
    expect(headersOf('put', '/events/{eventID}', '200')).toEqual(['ETag', 'X-Consistency-Token']);
    expect(headersOf('delete', '/events/{eventID}', '204')).toEqual(['ETag', 'X-Consistency-Token']);
    expect(headersOf('get', '/events/{eventID}', '200')).toEqual(['ETag']);
    expect(headersOf('patch', '/users/me', '200')).toEqual(['X-Consistency-Token']);
    expect(headersOf('post', '/sessions', '429')).toEqual(['Retry-After']);
    expect(headersOf('get', '/events', '503')).toEqual(['Retry-After']);
  });

  test('matches what the server sends: a booking carries the headers its 201 declares', async () => {
    const host = await system.signUp('documented');
    const booked = await system.http().post('/events').set(host.auth).send({ title: 'Doc', startTime: '2031-01-01T10:00:00Z', endTime: '2031-01-01T11:00:00Z' });
    expect(booked.status).toBe(201);
    for (const name of Object.keys(operation('post', '/events').responses['201']?.headers ?? {})) expect(booked.headers[name.toLowerCase()]).toBeDefined();
  });
});
