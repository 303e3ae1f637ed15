import { type CollectionVersion, seqOfSyncToken, syncTokenOf } from './syncToken';

const collectionID = '0b6f6bde-2a5e-4f57-9d1e-3f2a7c9e1d10';
const epoch = '7e0f3c1a-9d4b-4c2e-8f6a-1b2c3d4e5f60';
const now: CollectionVersion = { collectionID, epoch, seq: 42 };

describe('sync tokens (RFC 6578 §3.2)', () => {
  it('name the collection, the epoch and the change counter, and read back', () => {
    expect(syncTokenOf(now)).toBe(`http://datebook.dev/sync/${collectionID}/${epoch}/42`);
    expect(seqOfSyncToken(syncTokenOf(now), now)).toBe(42);
    expect(seqOfSyncToken(syncTokenOf({ ...now, seq: 3 }), now)).toBe(3);
  });

  it('an empty token is an initial sync; a token from before anything was counted means "from the start"', () => {
    expect(seqOfSyncToken('', now)).toBeNull();
    expect(seqOfSyncToken('  ', now)).toBeNull();
    const uncounted = syncTokenOf({ collectionID, epoch: null, seq: 0 });
    expect(uncounted).toBe(`http://datebook.dev/sync/${collectionID}/0/0`);
    expect(seqOfSyncToken(uncounted, now)).toBe(0);
  });

  it.each([
    ['another collection\'s', syncTokenOf({ ...now, collectionID: '5d1c1f2e-7a0b-4a4e-8e0e-0d6f0c9b2a11', seq: 1 })],
    ['another epoch\'s (the read model was rebuilt)', syncTokenOf({ ...now, epoch: '11111111-2222-4333-8444-555555555555', seq: 1 })],
    ['one from the future', syncTokenOf({ ...now, seq: 43 })],
    ['garbage', 'data:,hello'],
    ['a leading zero', `http://datebook.dev/sync/${collectionID}/${epoch}/01`],
    ['a negative counter', `http://datebook.dev/sync/${collectionID}/${epoch}/-1`],
    ['a huge counter', `http://datebook.dev/sync/${collectionID}/${epoch}/99999999999999999`],
    ['epoch 0 past counter 0', `http://datebook.dev/sync/${collectionID}/0/5`],
  ])('refuses %s with 403 DAV:valid-sync-token', (_, token) => {
    expect(() => seqOfSyncToken(token, now)).toThrow(expect.objectContaining({ status: 403, condition: expect.objectContaining({ name: { ns: 'DAV:', local: 'valid-sync-token' } }) }));
  });
});
