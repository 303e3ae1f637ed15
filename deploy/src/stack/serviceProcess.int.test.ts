import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@datebook/shared-kernel/testing';
import { serviceProcess } from './serviceProcess';

describe('a service process that does not get ready', () => {
  const dir = mkdtempSync(join(tmpdir(), 'datebook-service-process-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says what it last saw and what the process holds, and leaves no report behind (it lists the environment)', async () => {
    // Never listens: it only holds a timer, as a start stuck on something it awaits would.
    const entry = join(dir, 'stuck.mjs');
    writeFileSync(entry, 'setInterval(function waitingForever() {}, 60_000);\n');
    const service = serviceProcess({ name: 'stuck', entry, port: await freePort(), env: { SOME_SECRET: 'not to be left on disk' }, logDir: dir, readyTimeoutMs: 3_000 });
    try {
      const failure = await service.start().then(() => undefined, (error: Error) => error);
      expect(failure?.message).toMatch(/stuck getting ready \(last seen: no connection \(ECONNREFUSED\)\) did not happen within 3000 ms/);
      expect(failure?.message).toMatch(/active handles \(its diagnostic report\):\n {2}timer in \d+ ms/);
      expect(readdirSync(dir).filter((file) => file.startsWith('report'))).toEqual([]);
    } finally {
      await service.kill();
    }
  });

  it('says so when its event loop is blocked (no report can be written)', async () => {
    const entry = join(dir, 'blocked.mjs');
    // Blocks as soon as it runs (the report's signal handler is installed before the entry runs).
    writeFileSync(entry, 'for (;;) {}\n');
    const service = serviceProcess({ name: 'blocked', entry, port: await freePort(), env: {}, logDir: dir, readyTimeoutMs: 3_000 });
    try {
      const failure = await service.start().then(() => undefined, (error: Error) => error);
      expect(failure?.message).toMatch(/blocked getting ready .* did not happen within 3000 ms\nno diagnostic report within 10 s: its event loop is blocked/);
    } finally {
      await service.kill();
    }
  }, 30_000);

  it('gets ready on a port fetch refuses ("bad port", as the scale-out replicas were once in 40 runs)', async () => {
    // Ports the Fetch standard blocks in the range a stack laid out from a base port may use; one of them is free here.
    const blocked = [5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080];
    const isFree = (port: number) => new Promise<boolean>((answer) => {
      const probe = createServer();
      probe.once('error', () => answer(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => answer(true)));
    });
    let port: number | undefined;
    for (const candidate of blocked) if (await isFree(candidate)) { port = candidate; break; }
    if (port === undefined) throw new Error('every port fetch blocks is taken on this machine');
    expect(await fetch(`http://127.0.0.1:${port}/readyz`).then(() => 'answered', (error: Error & { cause?: Error }) => error.cause?.message)).toBe('bad port');
    const entry = join(dir, 'ready.mjs');
    writeFileSync(entry, `import http from 'node:http';
http.createServer((req, res) => res.end('{"status":"ready"}')).listen(${port}, '127.0.0.1');
`);
    const service = serviceProcess({ name: 'ready', entry, port, env: {}, logDir: dir, readyTimeoutMs: 10_000 });
    try {
      await service.start();
    } finally {
      await service.kill();
    }
  });

  it("asks /readyz with the operators' token, so a 503 says why", async () => {
    const port = await freePort();
    const entry = join(dir, 'unready.mjs');
    // As readinessBody answers: the reasons only for the operators' token.
    writeFileSync(entry, `import http from 'node:http';
http.createServer((req, res) => {
  const operator = req.headers.authorization === 'Bearer ' + process.env.OPS_TOKEN;
  res.writeHead(503, { 'content-type': 'application/json' });
  res.end(JSON.stringify(operator ? { status: 'not ready', reasons: ['database: connection refused'] } : { status: 'not ready' }));
}).listen(${port}, '127.0.0.1');
`);
    const opsToken = 'a-token-of-this-test-0123456789-0123456789';
    const service = serviceProcess({ name: 'unready', entry, port, env: { OPS_TOKEN: opsToken }, logDir: dir, readyTimeoutMs: 3_000 });
    try {
      const failure = await service.start().then(() => undefined, (error: Error) => error);
      expect(failure?.message).toMatch(/unready getting ready \(last seen: status 503: .*database: connection refused/);
    } finally {
      await service.kill();
    }
  });
});
