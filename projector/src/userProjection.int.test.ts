import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@datebook/shared-kernel';
import { READ_MODEL_SCHEMA, type SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { projectUsers } from './userProjection';

/** A User stream: registration, then settings changed (some twice), and events that write no column. */
function stream(userID: string): RecordedEvent[] {
  const events: [string, object][] = [
    ['UserRegistered', { userID, userName: 'Ann', email: `${userID}@example.com`, passwordHash: 'scrypt$1$1$1$c2FsdA$aGFzaA', timeZone: 'Europe/Berlin' }],
    ['EmailVerificationRequested', { userID, email: `${userID}@example.com`, requestID: randomUUID(), requestedAt: '2030-01-01T00:00:00.000Z', expiresAt: '2030-01-08T00:00:00.000Z' }],
    ['PreferredTimeZoneChanged', { userID, timeZone: 'Europe/Paris' }],
    ['WorkingHoursChanged', { userID, workingHours: [{ day: 1, start: '08:00', end: '16:00' }] }],
    ['PreferredTimeZoneChanged', { userID, timeZone: 'Asia/Tokyo' }],
    ['SessionRevoked', { userID, sessionID: 's1' }],
    ['DefaultRemindersChanged', { userID, reminders: [{ method: 'email', minutes: 30 }] }],
    ['InvitationsSettingChanged', { userID, addInvitations: 'knownSenders' }],
    ['WorkingHoursChanged', { userID, workingHours: [] }],
  ];
  return events.map(([type, data], i) => ({
    eventID: randomUUID(), streamName: `User-${userID}`, streamVersion: i + 1, type, data,
    logPosition: { transactionId: 1n, position: BigInt(i + 1) }, recordedAt: new Date(),
    metadata: { actorID: userID, occurredAt: '2030-01-01T00:00:00.000Z', correlationId: `c${i}`, schemaVersion: 1 },
  }));
}

describe('projecting User streams', () => {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    await db.exec(READ_MODEL_SCHEMA);
  });
  afterAll(() => db.close());

  /** rm_users after these batches, each in its transaction, from an empty table. */
  const project = async (batches: RecordedEvent[][]) => {
    await db.exec('truncate rm_users');
    for (const batch of batches) await db.transaction((tx) => projectUsers(tx, batch));
    return (await db.query('select * from rm_users order by user_id')).rows;
  };

  it('leaves each person as applying the events one by one does, however the streams are cut and redelivered', async () => {
    const [ann, bob] = [randomUUID(), randomUUID()];
    const [a, b] = [stream(ann), stream(bob)];
    const expected = await project([...a, ...b].map((e) => [e]));
    expect(expected).toHaveLength(2);
    expect(expected.find((r) => r.user_id === ann)).toMatchObject({
      time_zone: 'Asia/Tokyo', working_hours: [], default_reminders: [{ method: 'email', minutes: 30 }], add_invitations: 'knownSenders', version: 9,
    });

    // Both streams whole in one batch; interleaved; cut with overlaps (a redelivery of what came before); and all of it again.
    expect(await project([[...a, ...b]])).toEqual(expected);
    expect(await project([a.flatMap((e, i) => [e, b[i]!])])).toEqual(expected);
    expect(await project([[...a.slice(0, 4), ...b.slice(0, 1)], [...a.slice(2, 6), ...b], a.slice(5), [...a, ...b]])).toEqual(expected);
    // Older settings delivered again after newer ones, in the same batch and in the next: the newest stays.
    expect(await project([[...a.slice(0, 6), ...a.slice(2), a[4]!, a[2]!, a[3]!, ...b]])).toEqual(expected);
    expect(await project([[...a, ...b], [a[2]!, a[3]!]])).toEqual(expected);
  });
});
