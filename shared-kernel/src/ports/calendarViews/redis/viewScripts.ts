import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { DAY_MS } from './busyTimeEncoding';
import { BUSY_KEY_COUNT, VIEW_KEY_COUNT } from './viewKeys';

// The scripts sit beside this file and are read once, at module load. `__dirname` is this source file's
// folder everywhere it runs: jest (the swc transform keeps CommonJS and jest sets __dirname per module),
// tsx (the embedded default and the container image run the sources in place), and the stack's compiled
// services, whose build writes each module's own folder in for `__dirname` (deploy/src/stack/compiledServices.ts).
const lua = (file: string) => readFileSync(join(__dirname, file), 'utf8');

const APPLY = lua('applyChanges.lua');
// The day filing is one convention on both sides: a mismatch would misfile every interval.
if (!APPLY.includes(`local DAY_MS = ${DAY_MS}\n`)) throw new Error(`applyChanges.lua must declare local DAY_MS = ${DAY_MS}, as busyTimeEncoding.ts does`);

/**
 * The scripts as ioredis custom commands: ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT
 * (after a Redis restart or failover). Names are prefixed so they cannot clash with other commands
 * defined on a shared client. Each script touches the keys of one user only (one Cluster slot, see
 * viewKeys.ts), except readBusy on a standalone server, which takes several users' keys at once.
 */
const COMMANDS = {
  calendarViewsApply: { lua: APPLY, numberOfKeys: VIEW_KEY_COUNT },
  calendarViewsReadRows: { lua: lua('readRows.lua'), numberOfKeys: VIEW_KEY_COUNT },
  calendarViewsEntries: { lua: lua('entries.lua'), numberOfKeys: VIEW_KEY_COUNT },
  // Three keys per user read (busyKeysOf), however many users: the count is passed with each call.
  calendarViewsReadBusy: { lua: lua('readBusy.lua') },
  // The same script on one user's keys, the count fixed: how a Cluster reads busy time (a user per call).
  // ioredis's auto-pipelining routes a command by its first argument, which must then be a key, not the count.
  calendarViewsReadBusyOfOne: { lua: lua('readBusy.lua'), numberOfKeys: BUSY_KEY_COUNT },
  // One :bk key per user asked, however many: the count is passed with each call.
  calendarViewsChangeStamps: { lua: lua('changeStamps.lua') },
} as const;

type CommandName = keyof typeof COMMANDS;
type CustomCommand = (...args: (string | number)[]) => Promise<unknown>;

/** The views' scripts, each run on the keys it is given (see the .lua file's header for KEYS and ARGV). */
export interface CalendarViewScripts {
  /** applyChanges.lua on one user's `viewKeysOf`. */
  apply(keys: string[], args: string[]): Promise<unknown>;
  /** readRows.lua on one user's `viewKeysOf`. */
  readRows(keys: string[], args: string[]): Promise<unknown>;
  /** entries.lua on one user's `viewKeysOf`. */
  entries(keys: string[]): Promise<unknown>;
  /** readBusy.lua on the `busyKeysOf` of one or more users. */
  readBusy(keys: string[], args: string[]): Promise<unknown>;
  /** changeStamps.lua on the `stampKeyOf` of one or more users. */
  changeStamps(keys: string[]): Promise<unknown>;
}

const defined = new WeakSet<Redis | Cluster>();

/** The scripts on this client, defined on it the first time (every views object on a client shares them). */
export function calendarViewScripts(redis: Redis | Cluster): CalendarViewScripts {
  if (!defined.has(redis)) {
    for (const [name, definition] of Object.entries(COMMANDS)) redis.defineCommand(name, definition);
    defined.add(redis);
  }
  // defineCommand adds methods ioredis's types cannot know of.
  const command = (name: CommandName) => (redis as unknown as Record<CommandName, CustomCommand>)[name].bind(redis);
  const apply = command('calendarViewsApply');
  const readRows = command('calendarViewsReadRows');
  const entries = command('calendarViewsEntries');
  const readBusy = command('calendarViewsReadBusy');
  const readBusyOfOne = command('calendarViewsReadBusyOfOne');
  const changeStamps = command('calendarViewsChangeStamps');
  return {
    apply: (keys, args) => apply(...keys, ...args),
    readRows: (keys, args) => readRows(...keys, ...args),
    entries: (keys) => entries(...keys),
    readBusy: (keys, args) => (keys.length === BUSY_KEY_COUNT ? readBusyOfOne(...keys, ...args) : readBusy(keys.length, ...keys, ...args)),
    changeStamps: (keys) => changeStamps(keys.length, ...keys),
  };
}
