import { calendarEventScheduledV1ToV2, calendarEventScheduledV2ToV3 } from '../aggregates/calendarEvent/upcasters';
import { currentSchemaVersions } from './schemaVersions';

/** A stored payload: the JSON object some version of an event type wrote. */
export type EventPayload = Record<string, unknown>;

/** One step of a chain: a payload of version N as version N + 1 would have written it. Pure: no clock, no I/O. */
export type Upcaster = (data: EventPayload) => EventPayload;

/** Per event type, the step out of each old version, keyed by the version it reads. */
export type UpcasterSteps = Readonly<Record<string, Readonly<Record<number, Upcaster>>>>;

/** The data of a stored event of `type` written at `schemaVersion`, as the type's current version has it. */
export type Upcast = (type: string, schemaVersion: number, data: unknown) => unknown;

/** Every step there is; a type's chain runs from its oldest version to `currentSchemaVersions[type]`. */
export const eventUpcasters: UpcasterSteps = {
  CalendarEventScheduled: { 1: calendarEventScheduledV1ToV2, 2: calendarEventScheduledV2ToV3 },
};

const isEventPayload = (data: unknown): data is EventPayload => typeof data === 'object' && data !== null && !Array.isArray(data);

/**
 * Builds `upcast` over a registry. The chains are checked here, once: a missing step would otherwise
 * surface only when the first old event of that type is read, possibly months later.
 */
export function upcasterRegistry(current: Readonly<Record<string, number>>, steps: UpcasterSteps): Upcast {
  for (const [type, version] of Object.entries(current)) {
    for (let from = 1; from < version; from++) {
      if (typeof steps[type]?.[from] !== 'function') throw new Error(`no upcaster for ${type} from version ${from} to ${from + 1}`);
    }
  }
  for (const [type, chain] of Object.entries(steps)) {
    const target = Object.hasOwn(current, type) ? current[type] : undefined;
    const stray = Object.keys(chain).map(Number).filter((from) => target === undefined || from >= target);
    if (stray.length > 0) throw new Error(`upcasters for ${type} from version ${stray.join(', ')}, which is not older than its current version`);
  }

  return (type, schemaVersion, data) => {
    const target = Object.hasOwn(current, type) ? current[type] : undefined;
    // Types outside the contract are passed over by the parsers; what is not an object fails the schema as it is.
    if (target === undefined || !isEventPayload(data)) return data;
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1) throw new Error(`${type} carries schemaVersion ${String(schemaVersion)}, not a version`);
    // A version newer than this reader knows (a newer writer during a rollout) is read with the current
    // schema: zod drops the fields it does not know and fails loudly if the shape no longer fits.
    let upcast = data;
    for (let from = schemaVersion; from < target; from++) upcast = (steps[type]?.[from] as Upcaster)(upcast);
    return upcast;
  };
}

/** The data of a stored event, brought to its type's current version; every parser calls this before the zod schema. */
export const upcast: Upcast = upcasterRegistry(currentSchemaVersions, eventUpcasters);
