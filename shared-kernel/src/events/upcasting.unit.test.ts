import { calendarEventEventSchemas } from '../aggregates/calendarEvent/events';
import { calendarStreamEventSchemas } from '../aggregates/calendar/events';
import { currentSchemaVersion, currentSchemaVersions } from './schemaVersions';
import { eventUpcasters, type EventPayload, upcast, upcasterRegistry } from './upcasting';
import { parseUserEvent, userEventSchemas } from '../aggregates/user/events';

/** A made-up chain of three versions: v2 renamed `name` to `title`, v3 added `tags`. */
const current = { Thing: 3, Other: 1 };
const steps = {
  Thing: {
    1: ({ name, ...rest }: EventPayload) => ({ ...rest, title: name }),
    2: (data: EventPayload) => ({ ...data, tags: [] }),
  },
};

describe('the upcaster registry', () => {
  const read = upcasterRegistry(current, steps);

  it('runs every step from the stored version to the current one, in order', () => {
    expect(read('Thing', 1, { name: 'a' })).toEqual({ title: 'a', tags: [] });
    expect(read('Thing', 2, { title: 'b' })).toEqual({ title: 'b', tags: [] });
    expect(read('Thing', 3, { title: 'c', tags: ['x'] })).toEqual({ title: 'c', tags: ['x'] });
  });

  it('leaves types without steps, types it does not know, newer versions and non-objects alone', () => {
    expect(read('Other', 1, { a: 1 })).toEqual({ a: 1 });
    expect(read('Unknown', 1, { a: 1 })).toEqual({ a: 1 });
    expect(read('Thing', 4, { title: 'from a newer writer' })).toEqual({ title: 'from a newer writer' });
    expect(read('Thing', 1, null)).toBeNull();
    expect(read('Thing', 1, ['a'])).toEqual(['a']);
  });

  it('refuses a version that is not one', () => {
    expect(() => read('Thing', 0, { name: 'a' })).toThrow(/schemaVersion 0/);
    expect(() => read('Thing', 1.5, { name: 'a' })).toThrow(/schemaVersion/);
  });

  it('refuses, when built, a chain with a missing step or a step past the current version', () => {
    expect(() => upcasterRegistry(current, { Thing: { 1: steps.Thing[1] } })).toThrow(/Thing from version 2 to 3/);
    expect(() => upcasterRegistry({ Thing: 2 }, steps)).toThrow(/Thing from version 2/);
    expect(() => upcasterRegistry(current, { ...steps, Ghost: { 1: steps.Thing[2] } })).toThrow(/Ghost/);
  });
});

describe('the contract’s versions', () => {
  it('name every event type with a schema, and nothing else', () => {
    const types = [...Object.keys(calendarEventEventSchemas), ...Object.keys(calendarStreamEventSchemas), ...Object.keys(userEventSchemas), 'TimeReserved'].sort();
    expect(Object.keys(currentSchemaVersions).sort()).toEqual(types);
  });

  it('have a complete chain of upcasters (the registry in use was built from them)', () => {
    expect(() => upcasterRegistry(currentSchemaVersions, eventUpcasters)).not.toThrow();
    expect(Object.keys(eventUpcasters)).toEqual(['CalendarEventScheduled']);
  });

  it('are what a writer stamps; a type outside the contract has none', () => {
    expect(currentSchemaVersion('AttendeeInvited')).toBe(1);
    expect(() => currentSchemaVersion('SomethingNew')).toThrow(/currentSchemaVersions/);
  });

  it('bring a stored payload to the current version before its schema reads it', () => {
    const hostID = '7f0c4a8e-2222-4c3e-9f0a-6d2b8e4c1a57';
    expect(upcast('CalendarEventScheduled', 1, { allDay: true, hostID })).toEqual({ allDay: true, hostID, transparency: 'transparent', guestsCanSeeOtherGuests: true, calendarID: hostID, visibility: 'default' });
    expect(upcast('CalendarEventScheduled', 2, { allDay: true, hostID })).toEqual({ allDay: true, hostID, calendarID: hostID, visibility: 'default' });
    expect(upcast('CalendarEventScheduled', 3, { allDay: true })).toEqual({ allDay: true });
    const userID = '7f0c4a8e-1111-4c3e-9f0a-6d2b8e4c1a57';
    expect(parseUserEvent({ type: 'SessionRevoked', data: { userID, sessionID: 's' }, metadata: { schemaVersion: 1 } })).toEqual({ type: 'SessionRevoked', data: { userID, sessionID: 's' } });
  });
});
