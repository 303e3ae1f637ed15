import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ACCESS_ROLES, type AccessRole, DomainError } from '@datebook/shared-kernel';
import { decodeOpaqueToken, encodeOpaqueToken } from '@datebook/shared-kernel/http';
import type { SqlExecutor } from '@datebook/shared-kernel/ports';
import { z } from 'zod';
import { parseToken } from './changeFeed';
import { MAX_SYNCED_CALENDARS } from './readableCalendars';

/** A calendar a device holds: the reader's role when it was sent, and where its own changes start to count. */
export interface FollowedCalendar {
  role: AccessRole;
  /**
   * The feed position taken just before the calendar was sent whole: its rows up to here are older than
   * what the device got (and from before the reader could read it), so they are not sent. Dropped once
   * the token's position passes it.
   */
  from?: bigint;
}

/** Calendar id → what the device holds of it. */
export type FollowedCalendars = ReadonlyMap<string, FollowedCalendar>;

/**
 * A calendar being sent whole (`add`: newly readable), sent again with another role (`change`), or taken
 * back (`remove`: no longer readable), one page at a time, by event id (calendarTransitions.ts).
 */
export interface Transition {
  calendarID: string;
  mode: TransitionMode;
  /** The role it is sent with (`add`, `change`) or was held with (`remove`). */
  role: AccessRole;
  /** `change`, `remove`: events with a change after this position may be on the device through it. */
  since?: bigint;
  afterEventID?: string;
}

export type TransitionMode = 'add' | 'change' | 'remove';
const MODES: readonly TransitionMode[] = ['add', 'change', 'remove'];

/** Where a device is: the feed position it has seen, the calendars it holds, and a calendar half sent or taken back. */
export interface ChangesState {
  kind: 'changes';
  at: bigint;
  calendars: FollowedCalendars;
  transition?: Transition;
}

/**
 * A full sync under way: the position taken before its first page (its `nextSyncToken`), the calendars
 * it was started for, and where it is: principal 0 is the reader's own calendar, i the i-th calendar by id.
 */
export interface FullState {
  kind: 'full';
  at: bigint;
  calendars: FollowedCalendars;
  principal: number;
  afterEventID?: string;
}

export type SyncState = ChangesState | FullState;

/**
 * Sync and page tokens. A device that follows no other calendar gets the tokens it always got: a sync
 * token is a feed position (digits), a page token base64url JSON. Once it follows calendars, the token
 * also names them (with the role each was sent with), so that the next request knows which calendars to
 * send whole (newly readable, or a changed role) and which to take back (no longer readable): a compact
 * binary form, base64url, at most MAX_SYNCED_CALENDARS calendars, with an HMAC-SHA256 tag over the user
 * and the content (truncated to 128 bits). The tag matters: a calendar in a token makes the server send
 * removals for its events, so a token naming a calendar its holder never followed would list that
 * calendar's event ids. The key is made on first use and kept in notifier_settings, shared by every
 * notifier process on the database.
 */
export interface SyncTokenCodec {
  /** `state` as a sync token (`nextSyncToken`, `next`, an SSE id). */
  syncToken(userID: string, state: ChangesState): string;
  /** `state` as a page token (`nextPageToken`). */
  pageToken(userID: string, state: SyncState): string;
  /** The state a token names for this user; 400 naming `field` for anything this server did not write for them. */
  decode(userID: string, token: string, field: string): SyncState;
}

/** The longest token this server writes (a hundred calendars, each with its position, and a transition: about 3,450) is shorter. */
export const MAX_SYNC_TOKEN_CHARS = 3_500;

const KEY_SETTING = 'sync_token_key';
const TAG_BYTES = 16;
const ID_BYTES = 16;
const KIND_CHANGES = 1;
const KIND_FULL = 2;
const HAS_FROM = 0x80;

const position = z.string().refine((value) => parseToken(value) !== undefined);
const LegacyPageToken = z.discriminatedUnion('k', [
  z.object({ k: z.literal('full'), at: position, id: z.uuid() }).strict(),
  z.object({ k: z.literal('changes'), after: position }).strict(),
]);

/** The codec with this database's key, made by the first process that needs it. */
export async function loadSyncTokenCodec(db: SqlExecutor): Promise<SyncTokenCodec> {
  await db.query(`insert into notifier_settings (key, value) values ($1, to_jsonb($2::text)) on conflict (key) do nothing`, [KEY_SETTING, randomBytes(32).toString('base64url')]);
  const { rows } = await db.query<{ value: string }>(`select value #>> '{}' as value from notifier_settings where key = $1`, [KEY_SETTING]);
  const secret = rows[0]?.value;
  if (!secret) throw new Error('the sync token key could not be stored');
  return syncTokenCodec(Buffer.from(secret, 'base64url'));
}

export function syncTokenCodec(key: Buffer): SyncTokenCodec {
  const tag = (userID: string, payload: Buffer) => createHmac('sha256', key).update(`datebook sync token v1\0${userID}\0`).update(payload).digest().subarray(0, TAG_BYTES);
  const sealed = (userID: string, payload: Buffer) => Buffer.concat([payload, tag(userID, payload)]).toString('base64url');

  function invalid(field: string): DomainError {
    const what = field === 'pageToken' ? 'page token' : 'sync token';
    return new DomainError('VALIDATION_FAILED', `the ${what} is not one this server gave out`, [{ path: field, message: `not a ${what}` }]);
  }

  return {
    syncToken(userID, state) {
      if (state.calendars.size === 0 && !state.transition) return state.at.toString();
      return sealed(userID, writeState(state));
    },
    pageToken(userID, state) {
      if (state.calendars.size === 0 && state.kind === 'changes' && !state.transition) return encodeOpaqueToken({ k: 'changes', after: state.at.toString() });
      if (state.calendars.size === 0 && state.kind === 'full' && state.principal === 0 && state.afterEventID) return encodeOpaqueToken({ k: 'full', at: state.at.toString(), id: state.afterEventID });
      return sealed(userID, writeState(state));
    },
    decode(userID, token, field) {
      const at = parseToken(token);
      if (at !== undefined) return { kind: 'changes', at, calendars: new Map() };
      if (token.length > MAX_SYNC_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid(field);
      const bytes = Buffer.from(token, 'base64url');
      if (bytes[0] === 0x7b) {
        // '{': a page token from before calendars (or of a device that follows none).
        const legacy = decodeOpaqueToken(token, LegacyPageToken, MAX_SYNC_TOKEN_CHARS);
        if (!legacy) throw invalid(field);
        return legacy.k === 'full'
          ? { kind: 'full', at: parseToken(legacy.at) ?? 0n, calendars: new Map(), principal: 0, afterEventID: legacy.id }
          : { kind: 'changes', at: parseToken(legacy.after) ?? 0n, calendars: new Map() };
      }
      if (bytes.length <= TAG_BYTES) throw invalid(field);
      const payload = bytes.subarray(0, bytes.length - TAG_BYTES);
      if (!timingSafeEqual(bytes.subarray(bytes.length - TAG_BYTES), tag(userID, payload))) throw invalid(field);
      const state = readState(payload);
      if (!state) throw invalid(field);
      return state;
    },
  };
}

const uuidBytes = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex');
const uuidText = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const u64 = (value: bigint) => {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(value);
  return out;
};

/** kind, position, the calendars by id (id, role with a flag for `from`, `from`), then the kind's own part. */
function writeState(state: SyncState): Buffer {
  const parts: Buffer[] = [Buffer.from([state.kind === 'changes' ? KIND_CHANGES : KIND_FULL]), u64(state.at), Buffer.from([state.calendars.size])];
  for (const [calendarID, followed] of [...state.calendars].sort(([a], [b]) => (a < b ? -1 : 1))) {
    parts.push(uuidBytes(calendarID), Buffer.from([ACCESS_ROLES.indexOf(followed.role) | (followed.from === undefined ? 0 : HAS_FROM)]));
    if (followed.from !== undefined) parts.push(u64(followed.from));
  }
  const after = (id: string | undefined) => (id === undefined ? [Buffer.from([0])] : [Buffer.from([1]), uuidBytes(id)]);
  if (state.kind === 'full') {
    parts.push(Buffer.from([state.principal]), ...after(state.afterEventID));
  } else if (state.transition) {
    const t = state.transition;
    parts.push(Buffer.from([1]), uuidBytes(t.calendarID), Buffer.from([MODES.indexOf(t.mode), ACCESS_ROLES.indexOf(t.role)]), ...after(t.afterEventID));
    parts.push(...(t.since === undefined ? [Buffer.from([0])] : [Buffer.from([1]), u64(t.since)]));
  } else {
    parts.push(Buffer.from([0]));
  }
  return Buffer.concat(parts);
}

/** The state `writeState` wrote; undefined for anything else (the tag was right, so only a bug gets here). */
function readState(bytes: Buffer): SyncState | undefined {
  let offset = 0;
  const take = (n: number): Buffer => {
    if (offset + n > bytes.length) throw new RangeError('short');
    const slice = bytes.subarray(offset, offset + n);
    offset += n;
    return slice;
  };
  const byte = () => take(1)[0] ?? 0;
  const role = (index: number): AccessRole => {
    const found = ACCESS_ROLES[index];
    if (!found) throw new RangeError('role');
    return found;
  };
  const after = () => (byte() === 1 ? uuidText(take(ID_BYTES)) : undefined);
  try {
    const kind = byte();
    const at = take(8).readBigUInt64BE();
    const count = byte();
    if (count > MAX_SYNCED_CALENDARS) return undefined;
    const calendars = new Map<string, FollowedCalendar>();
    for (let i = 0; i < count; i += 1) {
      const calendarID = uuidText(take(ID_BYTES));
      const flags = byte();
      calendars.set(calendarID, { role: role(flags & ~HAS_FROM), ...(flags & HAS_FROM ? { from: take(8).readBigUInt64BE() } : {}) });
    }
    let state: SyncState;
    if (kind === KIND_FULL) {
      const principal = byte();
      if (principal > count) return undefined;
      const afterEventID = after();
      state = { kind: 'full', at, calendars, principal, ...(afterEventID ? { afterEventID } : {}) };
    } else if (kind === KIND_CHANGES) {
      if (byte() === 1) {
        const calendarID = uuidText(take(ID_BYTES));
        const mode = MODES[byte()];
        if (!mode) return undefined;
        const transitionRole = role(byte());
        const afterEventID = after();
        const since = byte() === 1 ? take(8).readBigUInt64BE() : undefined;
        state = { kind: 'changes', at, calendars, transition: { calendarID, mode, role: transitionRole, ...(since === undefined ? {} : { since }), ...(afterEventID ? { afterEventID } : {}) } };
      } else {
        state = { kind: 'changes', at, calendars };
      }
    } else {
      return undefined;
    }
    return offset === bytes.length ? state : undefined;
  } catch {
    return undefined;
  }
}

/** The calendars without the positions the device's position has passed (their rows all count now). */
export function passedFrom(calendars: FollowedCalendars, at: bigint): FollowedCalendars {
  if (![...calendars.values()].some((c) => c.from !== undefined && c.from <= at)) return calendars;
  return new Map([...calendars].map(([id, c]) => [id, c.from !== undefined && c.from <= at ? { role: c.role } : c]));
}
