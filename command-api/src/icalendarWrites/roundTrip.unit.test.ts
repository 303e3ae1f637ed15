import {
  type CalendarEventCommand, type CalendarEventState, type EventTiming, occurrencesOverlapping, parseCalendarObjects, renderCalendarObject, wallTimeOf,
} from '@datebook/shared-kernel';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { planEventWrites } from './planEventWrites';
import { accountsByEmail, calendarID, emailOf, people, stateAfter } from './testStates';

const { ann, bob, cyd } = people;
const owner = { calendarID, role: 'owner' as const };
const eventID = '7f0c4a8e-1111-4c3e-9f0a-6d2b8e4c1a57';
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Auckland', 'Australia/Lord_Howe', 'UTC'];
const DAY = 86_400_000;

/** Text with what iCalendar must escape or fold: separators, backslashes, line breaks, non-ASCII of every width. */
const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', ';', ':', '\\', '\n', '"', 'é', '日', '📚', '\t'), maxLength: 120 });

interface Plan {
  zone: string;
  allDay: boolean;
  startMinute: number;
  lengthMinutes: number;
  rule: string | null;
  exdateIndexes: number[];
  changes: { index: number; cancel: boolean; shiftMinutes: number; title: string }[];
  title: string;
  description: string | null;
  location: string | null;
  visibility: 'default' | 'public' | 'private';
  transparency: 'opaque' | 'transparent';
  guests: { bob: 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | null; cyd: boolean; external: boolean };
  reminders: { method: 'email' | 'push'; minutes: number }[] | null;
  iCalUID: string | null;
  extra: string[];
}

const plans: fc.Arbitrary<Plan> = fc.record({
  zone: fc.constantFrom(...ZONES),
  allDay: fc.boolean(),
  // Minutes from 2025-01-01 over ten years.
  startMinute: fc.integer({ min: 0, max: 10 * 365 * 24 * 60 }),
  lengthMinutes: fc.integer({ min: 5, max: 3 * 24 * 60 }),
  rule: fc.option(fc.constantFrom('RRULE:FREQ=DAILY;COUNT=12', 'RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=15', 'RRULE:FREQ=MONTHLY;INTERVAL=2', 'RRULE:FREQ=YEARLY;COUNT=4', 'RRULE:FREQ=WEEKLY;UNTIL=20400101T000000Z'), { nil: null }),
  exdateIndexes: fc.uniqueArray(fc.integer({ min: 1, max: 8 }), { maxLength: 2 }),
  changes: fc.uniqueArray(fc.record({ index: fc.integer({ min: 0, max: 8 }), cancel: fc.boolean(), shiftMinutes: fc.integer({ min: -600, max: 600 }), title: text }), { maxLength: 3, selector: (c) => c.index }),
  title: text,
  description: fc.option(text, { nil: null }),
  location: fc.option(text, { nil: null }),
  visibility: fc.constantFrom('default', 'public', 'private'),
  transparency: fc.constantFrom('opaque', 'transparent'),
  guests: fc.record({ bob: fc.option(fc.constantFrom('PENDING', 'ACCEPTED', 'DECLINED', 'TENTATIVE'), { nil: null }), cyd: fc.boolean(), external: fc.boolean() }),
  reminders: fc.option(fc.uniqueArray(fc.record({ method: fc.constantFrom('email', 'push'), minutes: fc.integer({ min: 0, max: 40320 }) }), { maxLength: 5, selector: (r) => `${r.method}${r.minutes}` }), { nil: null }),
  iCalUID: fc.option(fc.constantFrom('abc@example.com', 'with,comma;and\\backslash@example.com', '040000008200E00074C5B7101A82E008'), { nil: null }),
  extra: fc.uniqueArray(fc.constantFrom('X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC', 'CATEGORIES:Work,Team', 'COLOR:crimson', 'X-ALT-DESC;FMTTYPE=text/html:<p>Hi\\, there</p>', 'URL:https://example.com/e/1', 'STATUS:TENTATIVE'), { maxLength: 4 }),
}) as fc.Arbitrary<Plan>;

const wallOf = (minute: number) => Temporal.PlainDateTime.from('2025-01-01T00:00').add({ minutes: minute });

function timingOf(plan: Plan): EventTiming {
  const wall = wallOf(plan.startMinute);
  if (plan.allDay) {
    const start = wall.toPlainDate();
    const end = start.add({ days: 1 + Math.floor(plan.lengthMinutes / (24 * 60)) });
    return { startTime: `${start}T00:00:00.000Z`, endTime: `${end}T00:00:00.000Z`, timeZone: plan.zone, allDay: true, startDate: start.toString(), endDate: end.toString(), startLocal: null };
  }
  const start = wall.toZonedDateTime(plan.zone, { disambiguation: 'compatible' }).epochMilliseconds;
  return {
    startTime: new Date(start).toISOString(), endTime: new Date(start + plan.lengthMinutes * 60_000).toISOString(), timeZone: plan.zone, allDay: false, startDate: null, endDate: null,
    startLocal: wall.toString({ smallestUnit: 'second' }),
  };
}

/** Whether a wall time reads back as this instant in the zone (not the second pass of a repeated hour). */
const namesItself = (instant: number, zone: string) =>
  Temporal.PlainDateTime.from(wallTimeOf(instant, zone)).toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds === instant;

/** The state the REST API would have made: ScheduleEvent, answers, then occurrence changes, through the domain's decider. */
function stateOf(plan: Plan): CalendarEventState | undefined {
  const timing = timingOf(plan);
  const recurrence: string[] = plan.rule === null ? [] : [plan.rule];
  const probe = { ...timing, recurrence, title: '', description: null, location: null, exceptions: {} };
  const occurrences = plan.rule === null ? [] : occurrencesOverlapping(probe, { from: Date.parse(timing.startTime), to: Date.parse(timing.startTime) + 4000 * DAY }, 12).occurrences;
  const exdates = plan.exdateIndexes.flatMap((i) => (occurrences[i] ? [occurrences[i].originalStart] : []));
  if (exdates.length > 0) {
    recurrence.push(timing.allDay
      ? `EXDATE;VALUE=DATE:${exdates.map((d) => d.replace(/-/g, '')).join(',')}`
      : `EXDATE;TZID=${plan.zone}:${exdates.map((i) => wallTimeOf(Date.parse(i), plan.zone).replace(/[-:]/g, '')).join(',')}`);
  }
  const commands: CalendarEventCommand[] = [{
    type: 'ScheduleEvent',
    data: {
      eventID, hostID: ann.id, access: owner, visibility: plan.visibility, title: plan.title, description: plan.description, location: plan.location, timing, recurrence,
      transparency: plan.transparency, invitedUserIDs: [...(plan.guests.bob ? [bob.id] : []), ...(plan.guests.cyd ? [cyd.id] : [])],
      ...(plan.guests.external ? { externalAttendees: [{ email: 'dan@partner.example', optional: true }] } : {}),
      ...(plan.reminders ? { reminders: { useDefault: false, overrides: plan.reminders } } : {}),
      ...(plan.iCalUID ? { iCalUID: plan.iCalUID } : {}),
      ...(plan.extra.length > 0 ? { extraProperties: plan.extra } : {}),
    },
  }];
  const answer = { ACCEPTED: 'ACCEPT', DECLINED: 'DECLINE', TENTATIVE: 'TENTATIVE' } as const;
  if (plan.guests.bob && plan.guests.bob !== 'PENDING') commands.push({ type: 'RespondToInvitation', data: { eventID, userID: bob.id, response: answer[plan.guests.bob] } });
  for (const change of plan.changes) {
    const occurrence = occurrences[change.index];
    if (!occurrence || exdates.includes(occurrence.originalStart)) continue;
    const base = { eventID, actorID: ann.id, access: owner, originalStart: occurrence.originalStart };
    if (change.cancel) {
      commands.push({ type: 'CancelOccurrence', data: base });
    } else if (timing.allDay) {
      const shift = Math.round(change.shiftMinutes / 200);
      const move = (date: string | null) => Temporal.PlainDate.from(date as string).add({ days: shift }).toString();
      const startDate = move(occurrence.startDate);
      const endDate = move(occurrence.endDate);
      commands.push({ type: 'ChangeOccurrence', data: { ...base, changes: { startDate, endDate, startTime: `${startDate}T00:00:00.000Z`, endTime: `${endDate}T00:00:00.000Z`, title: change.title } } });
    } else {
      const start = Date.parse(occurrence.startTime) + change.shiftMinutes * 60_000;
      const end = Date.parse(occurrence.endTime) + change.shiftMinutes * 60_000;
      // The second pass of a repeated hour has no wall time of its own in the zone: written in UTC, it reads back alike.
      commands.push({ type: 'ChangeOccurrence', data: { ...base, changes: { startTime: new Date(start).toISOString(), endTime: new Date(end).toISOString(), title: change.title } } });
    }
  }
  return stateAfter(commands);
}

describe('what Datebook writes re-imports unchanged (render → parse → plan)', () => {
  it('for random single events, series with exceptions, all-day events and zones with DST', () => {
    fc.assert(
      fc.property(plans, (plan) => {
        const timing = timingOf(plan);
        // A start no wall time of its zone names alone (a repeated hour's second pass) cannot be a TZID DTSTART.
        fc.pre(timing.allDay || namesItself(Date.parse(timing.startTime), plan.zone));
        const state = stateOf(plan);
        if (state === undefined || state.status !== 'scheduled') throw new Error('not scheduled');
        const text = renderCalendarObject([{ event: state, audience: 'full', viewerID: ann.id, emailOf }]);
        const { drafts, skipped } = parseCalendarObjects(text, { defaultTimeZone: 'UTC' });
        expect(skipped).toEqual([]);
        expect(drafts).toHaveLength(1);
        const draft = drafts[0] as NonNullable<(typeof drafts)[0]>;
        expect(planEventWrites({ calendarID, actorID: ann.id, access: owner, current: state, draft, mode: 'caldav', accountsByEmail })).toEqual({ commands: [], outcome: 'unchanged' });
        // The same file imported anew makes an event equal to it.
        const imported = planEventWrites({ calendarID, actorID: ann.id, access: owner, current: { status: 'absent' }, draft, mode: 'caldav', accountsByEmail });
        expect(imported.outcome).toBe('created');
        const again = stateAfter(imported.commands);
        expect(planEventWrites({ calendarID, actorID: ann.id, access: owner, current: again, draft, mode: 'caldav', accountsByEmail })).toEqual({ commands: [], outcome: 'unchanged' });
      }),
      { numRuns: 150 },
    );
  });

  it('for events imported from a file with guests kept as lines', () => {
    fc.assert(
      fc.property(plans, (plan) => {
        const timing = timingOf(plan);
        fc.pre(timing.allDay || namesItself(Date.parse(timing.startTime), plan.zone));
        const state = stateOf({ ...plan, guests: { bob: null, cyd: false, external: false }, extra: [...plan.extra, 'ORGANIZER;CN="Boss, The":mailto:boss@corp.example', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@example.com'] });
        if (state === undefined || state.status !== 'scheduled') throw new Error('not scheduled');
        const text = renderCalendarObject([{ event: state, audience: 'full', viewerID: ann.id, emailOf }]);
        const draft = parseCalendarObjects(text).drafts[0];
        if (draft === undefined) throw new Error('no draft');
        for (const mode of ['import', 'caldav'] as const) {
          expect(planEventWrites({ calendarID, actorID: ann.id, access: owner, current: state, draft, mode, accountsByEmail })).toEqual({ commands: [], outcome: 'unchanged' });
        }
      }),
      { numRuns: 60 },
    );
  });
});
