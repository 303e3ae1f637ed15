import { DomainError } from '@datebook/shared-kernel';
import { decodeOpaqueToken, encodeOpaqueToken } from '@datebook/shared-kernel/http';
import { z } from 'zod';
import { parseToken } from './changeFeed';

/**
 * Where the next page of `GET /sync` starts. A full sync pages through the caller's events by id and
 * carries the feed position taken before its first page (`at`), which becomes its `nextSyncToken`; a
 * run of changes pages through the feed (`after`). The token is opaque to clients (base64url JSON).
 */
export type SyncPage = { kind: 'full'; at: bigint; afterEventID: string } | { kind: 'changes'; after: bigint };

const position = z.string().refine((value) => parseToken(value) !== undefined);
const PageTokenSchema = z.discriminatedUnion('k', [
  z.object({ k: z.literal('full'), at: position, id: z.uuid() }).strict(),
  z.object({ k: z.literal('changes'), after: position }).strict(),
]);

/** Longest token this server writes is well under this; anything longer is not one of ours. */
const MAX_TOKEN_CHARS = 200;

export function encodeSyncPage(page: SyncPage): string {
  const json = page.kind === 'full' ? { k: 'full', at: page.at.toString(), id: page.afterEventID } : { k: 'changes', after: page.after.toString() };
  return encodeOpaqueToken(json);
}

/** The page a token names; a token this server did not write is refused with 400 naming `pageToken`. */
export function decodeSyncPage(token: string): SyncPage {
  const data = decodeOpaqueToken(token, PageTokenSchema, MAX_TOKEN_CHARS);
  if (!data) throw new DomainError('VALIDATION_FAILED', 'the page token is not one this server gave out', [{ path: 'pageToken', message: 'not a page token' }]);
  // parseToken cannot fail here: the schema checked the same positions.
  return data.k === 'full' ? { kind: 'full', at: parseToken(data.at) ?? 0n, afterEventID: data.id } : { kind: 'changes', after: parseToken(data.after) ?? 0n };
}
