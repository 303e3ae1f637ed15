import { invalidSyncToken } from './davError';

/**
 * Where a collection's changes stand: its change counter, and the epoch of the read model that counts
 * them (new whenever the read model is rebuilt by replay, so counters from before are never misread;
 * null for a collection nothing was ever counted for, whose counter is then 0).
 */
export interface CollectionVersion {
  collectionID: string;
  epoch: string | null;
  seq: number;
}

/** RFC 6578 §3.2: a sync-token is a URI; ours names the collection, the epoch and the counter. */
const PREFIX = 'http://datebook.dev/sync/';
const SHAPE = /^http:\/\/datebook\.dev\/sync\/([0-9a-f-]{36})\/([0-9a-f-]{36}|0)\/(0|[1-9][0-9]{0,15})$/;

/** The sync-token of a collection as it stands (also its CTag: it changes exactly when a member does). */
export function syncTokenOf(version: CollectionVersion): string {
  return `${PREFIX}${version.collectionID.toLowerCase()}/${version.epoch?.toLowerCase() ?? '0'}/${version.seq}`;
}

/**
 * The change counter a client's sync-token names, or null for the empty token (an initial sync, RFC 6578
 * §3.4). Anything else (unparseable, another collection's, an older epoch's, or a counter this collection
 * has not reached) is refused with 403 DAV:valid-sync-token (RFC 6578 §3.2): the client starts over.
 * A token from before anything was counted (epoch 0, counter 0) is good in any epoch: it means "from the start".
 */
export function seqOfSyncToken(token: string, current: CollectionVersion): number | null {
  const text = token.trim();
  if (text === '') return null;
  const match = SHAPE.exec(text);
  if (!match || match[1] !== current.collectionID.toLowerCase()) throw invalidSyncToken();
  const [epoch, seq] = [match[2] as string, Number(match[3])];
  if (epoch === '0' && seq === 0) return 0;
  if (epoch !== current.epoch?.toLowerCase() || !Number.isSafeInteger(seq) || seq > current.seq) throw invalidSyncToken();
  return seq;
}
