import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { type BenchContext, ratio } from '../context';
import { cpuNote, cpuPerOp } from '../cpuMeter';
import { addDays, type BenchUser, berlinSummer, rng } from '../fixtures';
import { closedLoop, type RequestSpec, saturate } from '../loadGenerator';

/**
 * 3. Bookings: POST /events with 3 invitees, sent to the write side's process (in production the
 * command API itself, where a load balancer would route them), counted when answered 201 (appended
 * and committed), at saturation; beside the raw ceiling of the same PostgreSQL from Node: single-row
 * INSERT transactions (uuid PK + jsonb) through a pg Pool at the same concurrency.
 */
export async function bookingsSection(ctx: BenchContext): Promise<void> {
  const { users } = await ctx.weekFixture();
  const target = ctx.system.commands;
  const request = bookingRequest(users, '2030-07-01', 1);
  const duration = ctx.pick(10_000, 2000);

  await saturate(target, ctx.concurrency, { request, durationMs: ctx.pick(2000, 500), ok: (s) => s === 201 }); // warm-up
  await ctx.settle('before the bookings');
  // The whole window too: the load, then the consumers (projections, notifier) catching up with it, so every
  // process's work for these bookings is counted, not only what it did while they were sent.
  const t0 = performance.now();
  const whole = await ctx.measure(target, async () => {
    const measured = await ctx.measure(target, () => saturate(target, ctx.concurrency, { request, durationMs: duration, ok: (s) => s === 201 }));
    // Let the consumers catch up (and time it) so the next figure starts from a quiet system.
    return { measured, catchUpMs: await ctx.settle('after the bookings') };
  });
  const wholeS = (performance.now() - t0) / 1000;
  const { measured: sat, catchUpMs } = whole.result;
  if (sat.result.ok === 0) throw new Error(`no booking succeeded: ${sat.result.firstError}`);
  ctx.bookingSaturation = sat.result.throughput;

  const raw = await ctx.measure(target, () => rawInserts(ctx.databaseUrl, ctx.concurrency, duration));

  ctx.details.bookings = { saturation: { ...sat.result, cpu: sat.cpu }, projectorCatchUpMs: Math.round(catchUpMs), rawInserts: { ...raw.result, cpu: raw.cpu } };
  const r = ratio(sat.result.throughput, raw.result.throughput);
  const perBooking = cpuPerOp(sat.cpu, sat.result.throughput);
  const wholePerBooking = cpuPerOp(whole.cpu, sat.result.ok / wholeS);
  ctx.figures.push(
    {
      section: 'bookings', figure: `bookings (POST /events, 3 invitees) on ${target.name}, saturation (${ctx.concurrency} conns)`, value: sat.result.throughput, unit: 'bookings/s',
      ceiling: raw.result.throughput, ceilingLabel: 'raw INSERT tx/s', ratio: r, target: '≥ 10% of raw inserts', pass: r === null ? null : r >= 0.1,
      notes: `p50 ${sat.result.latency.p50Ms} / p99 ${sat.result.latency.p99Ms} ms; errors ${sat.result.errors} ${JSON.stringify(sat.result.statuses)}; ${cpuNote(sat.cpu)}; ${perBooking.note}; consumers caught up ${Math.round(catchUpMs)} ms later`,
    },
    {
      section: 'bookings', figure: `  ${target.name} CPU per booking at saturation`, value: perBooking.measuredMs, unit: 'ms',
      target: '≤ 0.7 ms', pass: perBooking.measuredMs <= 0.7, notes: perBooking.note,
    },
    {
      section: 'bookings', figure: '  CPU per booking at saturation, every process, the consumers\' catch-up included', value: wholePerBooking.systemMs, unit: 'ms',
      target: '≤ 3 ms', pass: wholePerBooking.systemMs <= 3,
      notes: `${sat.result.ok} bookings over ${Math.round(wholeS * 10) / 10} s (load, then ${Math.round(catchUpMs)} ms until every consumer was done); ${wholePerBooking.note}; ${cpuNote(whole.cpu)}`,
    },
    {
      section: 'bookings', figure: `raw single-row INSERT tx (pg Pool, ${ctx.concurrency} conns)`, value: raw.result.throughput, unit: 'tx/s', target: 'ceiling',
      notes: `p50 ${raw.result.latency.p50Ms} / p99 ${raw.result.latency.p99Ms} ms; ${cpuNote(raw.cpu)} (the inserting Node process is the 'generator')`,
    },
  );
}

/** A booking request and everyone it puts on the event (host first), whose views must show it. */
export type BookingRequest = RequestSpec & { attendees: string[] };

/** A booking request by a random fixture user with 3 other fixture users invited, in the week of `monday`. */
export function bookingRequest(users: BenchUser[], monday: string, seed: number): (i: number) => BookingRequest {
  const random = rng(seed);
  return () => {
    const host = users[Math.floor(random() * users.length)]!;
    const invitees = new Set<string>();
    while (invitees.size < 3) {
      const other = users[Math.floor(random() * users.length)]!.userID;
      if (other !== host.userID) invitees.add(other);
    }
    const start = berlinSummer(addDays(monday, Math.floor(random() * 5)), 8 + Math.floor(random() * 10), 15 * Math.floor(random() * 4));
    return {
      method: 'POST', path: '/events', headers: host.auth, attendees: [host.userID, ...invitees],
      body: JSON.stringify({
        title: 'Bench booking', location: 'Room 4', startTime: new Date(start).toISOString(), endTime: new Date(start + 1_800_000).toISOString(),
        invitedUserIDs: [...invitees],
      }),
    };
  };
}

/** The ceiling: autocommitted single-row inserts, one per round trip, `concurrency` at a time (also bookingLoad.ts's). */
export async function rawInserts(url: string, concurrency: number, durationMs: number) {
  const pool = new Pool({ connectionString: url, max: concurrency });
  pool.on('error', () => undefined);
  try {
    await pool.query('create table if not exists bench_raw_inserts (id uuid primary key, data jsonb not null)');
    // A payload the size of a booking's CalendarEventScheduled event.
    const payload = JSON.stringify({
      eventID: randomUUID(), hostID: randomUUID(), title: 'Bench booking', description: null, location: 'Room 4',
      startTime: '2030-07-01T08:00:00.000Z', endTime: '2030-07-01T08:30:00.000Z', timeZone: 'Europe/Berlin', allDay: false, startDate: null, endDate: null, recurrence: [],
    });
    const insert = () => pool.query('insert into bench_raw_inserts (id, data) values ($1, $2::jsonb)', [randomUUID(), payload]);
    await Promise.all(Array.from({ length: concurrency }, insert)); // open the connections first
    return await closedLoop(concurrency, durationMs, insert);
  } finally {
    await pool.query('drop table if exists bench_raw_inserts').catch(() => undefined);
    await pool.end();
  }
}
