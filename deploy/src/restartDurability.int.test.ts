import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { startTestSystem } from './testing/testSystem';

describe('the embedded default across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'datebook-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every accepted write and its views, and the same tokens still work', async () => {
    const secret = 'a-secret-that-is-long-enough-for-hs256-signing';
    const first = await pgliteSqlDatabase(dir);
    const before = await startTestSystem(first, { secret });
    const host = await before.signUp('host');
    const booked = await before.http().post('/events').set(host.auth)
      .send({ title: 'Survives', startTime: '2031-01-01T10:00:00Z', endTime: '2031-01-01T11:00:00Z' });
    expect(booked.status).toBe(201);
    await before.stop();
    await first.close();

    const second = await pgliteSqlDatabase(dir);
    const after = await startTestSystem(second, { secret });
    const week = await after.http().get('/events').set(host.auth).query({ view: 'DAILY', date: '2031-01-01', timeZone: 'UTC' })
      .set('X-Consistency-Token', booked.body.consistencyToken);
    expect(week.body.events.map((e: { title: string }) => e.title)).toEqual(['Survives']);
    const signIn = await after.http().post('/sessions').send({ email: host.email, password: 'a good password' });
    expect(signIn.status).toBe(200);
    const history = await after.http().get(`/events/${booked.body.eventID}/history`).set(host.auth);
    expect(history.body.history).toHaveLength(1);
    await after.stop();
    await second.close();
  });
});
