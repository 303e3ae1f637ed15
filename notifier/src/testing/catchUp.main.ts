import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { measureCatchUp } from './catchUpHarness';

/**
 * How fast the notifier catches up on a backlog (issue 15): `node --import tsx notifier/src/testing/catchUp.main.ts`,
 * shaped by CATCHUP_BOOKINGS (3000), CATCHUP_USERS (1000), CATCHUP_VERIFIED (share, 0), CATCHUP_FOLLOW_UPS
 * (share, 0.2), CATCHUP_AGE_DAYS (0; past 7 every message is recorded as skipped), CATCHUP_BATCH (500), and
 * CATCHUP_GRANTS (0: then a calendar shared with that many of the users, timed on its own).
 * Needs the test PostgreSQL server (TEST_POSTGRES_URL). CATCHUP_CPU_PROFILE=file.cpuprofile writes a CPU profile of
 * the timed catch-up alone (open it in Chrome DevTools or VS Code).
 */
const number = (name: string, fallback: number) => (process.env[name] === undefined ? fallback : Number(process.env[name]));

async function main(): Promise<void> {
  const profileFile = process.env.CATCHUP_CPU_PROFILE;
  const session = profileFile ? new Session() : undefined;
  const result = await measureCatchUp({
    bookings: number('CATCHUP_BOOKINGS', 3_000),
    users: number('CATCHUP_USERS', 1_000),
    verifiedShare: number('CATCHUP_VERIFIED', 0),
    followUpShare: number('CATCHUP_FOLLOW_UPS', 0.2),
    ageMs: number('CATCHUP_AGE_DAYS', 0) * 86_400_000,
    batchSize: number('CATCHUP_BATCH', 500),
    grants: number('CATCHUP_GRANTS', 0),
    async onTimed(phase) {
      if (!session || !profileFile) return;
      if (phase === 'start') {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        return;
      }
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
      session.disconnect();
    },
  });
  console.log(JSON.stringify({ ...result, nodeCpuMsPerEvent: +result.nodeCpuMsPerEvent.toFixed(3), postgresCpuMsPerEvent: +result.postgresCpuMsPerEvent.toFixed(3) }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
