import { startNotifierHarness, ledgerTimings } from '@datebook/notifier/testing';
import type { BenchContext } from '../context';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/**
 * 7. Notifier. (a) Invitations from booking to SMTP acceptance, events with 5 invitees, through a
 * real SMTP server process. (b) Reminder timing: N reminders falling due within the same minute,
 * error = sent − due (p50/p99). Both on a throw-away PostgreSQL database, notifier in this process.
 */
export async function notifierSection(ctx: BenchContext): Promise<void> {
  await invitations(ctx);
  await reminders(ctx);
}

async function invitations(ctx: BenchContext): Promise<void> {
  const harness = await startNotifierHarness({ database: 'postgres' });
  try {
    const host = await harness.registerUser('Host');
    const guests = await Promise.all([1, 2, 3, 4, 5].map((i) => harness.registerUser(`Guest${i}`)));
    // One host sends them all here: lift the per-sender mail limit (a policy, not the cost measured).
    await harness.startNotifier({ options: { mailPerSenderPerHour: 1_000_000, mailPerSenderPerDay: 1_000_000 } });
    const events = ctx.pick(200, 40);
    const expected = events * guests.length;
    const before = harness.sink.received().length;
    const t0 = Date.now();
    // Bookings arrive eight at a time, as from concurrent users.
    const start = new Date(Date.now() + 7 * 86_400_000);
    for (let i = 0; i < events; i += 8) {
      await Promise.all(Array.from({ length: Math.min(8, events - i) }, () => harness.scheduleEvent(host, { start, invite: guests })));
    }
    const booked = Date.now();
    await harness.eventually(async () => harness.sink.received().length - before, (n) => n >= expected, 120_000);
    const mails = harness.sink.received().slice(before);
    const last = Math.max(...mails.map((m) => m.receivedAt));
    const seconds = (last - t0) / 1000;
    ctx.figures.push({
      section: 'notifier', figure: `Invitations, booking → SMTP acceptance (${events} events × 5 invitees)`, value: Math.round(expected / seconds), unit: 'mails/s',
      notes: `${expected} invitation e-mails with iCalendar parts accepted by a real SMTP server process ${Math.round(last - booked)} ms after the last booking; bookings took ${booked - t0} ms`,
    });
  } finally {
    await harness.close();
  }
}

async function reminders(ctx: BenchContext): Promise<void> {
  const harness = await startNotifierHarness({ database: 'postgres' });
  try {
    const attendeesPerEvent = 5;
    const count = ctx.pick(10_000, 1_000);
    const people = await Promise.all(Array.from({ length: attendeesPerEvent }, (_, i) => harness.registerUser(`P${i}`)));
    const [host, ...guests] = people;
    if (!host) throw new Error('no host');
    await harness.startNotifier();
    // Every attendee gets the default reminder, one e-mail 10 minutes before: due times spread over one
    // minute (the smoke run: 10 s, after a shorter lead for the setup).
    const spreadMs = ctx.pick(60_000, 10_000);
    const dueFrom = Date.now() + ctx.pick(150_000, 20_000);
    const events = count / attendeesPerEvent;
    for (let i = 0; i < events; i += 16) {
      await Promise.all(Array.from({ length: Math.min(16, events - i) }, (_, k) =>
        harness.scheduleEvent(host, { start: new Date(dueFrom + 10 * 60_000 + (((i + k) * spreadMs) / events)), invite: guests, accepted: true })));
    }
    const setupDone = Date.now();
    if (setupDone > dueFrom) ctx.log(`reminder setup overran the due window by ${setupDone - dueFrom} ms`);
    const timings = await harness.eventually(
      () => ledgerTimings(harness.db, 'reminder'),
      (rows) => rows.filter((r) => r.sentAt !== null).length >= count,
      dueFrom - Date.now() + 180_000,
    );
    const errors = timings.filter((t) => t.sentAt !== null).map((t) => (t.sentAt ?? 0) - t.dueAt).sort((a, b) => a - b);
    ctx.figures.push({
      section: 'notifier', figure: `Reminder timing error, ${count.toLocaleString('en-US')} due within ${spreadMs === 60_000 ? 'one minute' : `${spreadMs / 1000} s`}`, value: percentile(errors, 99), unit: 'ms p99',
      target: 'sent within 5 s of due', pass: percentile(errors, 99) < 5000,
      notes: `p50 ${percentile(errors, 50)} ms, max ${errors.at(-1)} ms; ${errors.length} reminder e-mails sent to a real SMTP server process`,
    });
  } finally {
    await harness.close();
  }
}
