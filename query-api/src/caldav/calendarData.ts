import { renderCalendarObject, type RenderInput, yieldToLoop } from '@datebook/shared-kernel';
import type { CollectionMembers, StoredEvent } from './collectionMembers';
import type { Representation } from './representation';

/** One event to render for one viewer. */
export interface RenderItem {
  state: StoredEvent;
  representation: Representation;
  /** RFC 5545 SEQUENCE (0 when unknown). */
  sequence?: number;
}

/**
 * Render work between two yields to the event loop, in events: a few ms (an event takes 0.1–0.2 ms, each of
 * its changed occurrences about a third of that, an expanded series up to 20 ms: see renderWeight).
 */
export const RENDER_SLICE = 40;

/**
 * What rendering an event costs, in plain events: one, plus one per changed or cancelled occurrence (each a
 * VEVENT of its own, or an EXDATE checked against the series); a series written instance by instance
 * (CALDAV:expand) is a slice of its own. Slices are cut by it, so a calendar of series with hundreds of
 * exceptions holds the loop no longer than one of plain events.
 */
export function renderWeight(event: Pick<StoredEvent, 'recurrence' | 'exceptions'>, expand = false): number {
  if (expand && event.recurrence.length > 0) return RENDER_SLICE;
  return 1 + Object.keys(event.exceptions).length;
}

/** Items cut into slices of about RENDER_SLICE weight each (an item heavier than that is a slice alone). */
export function renderSlices<T>(items: readonly T[], weightOf: (item: T) => number): T[][] {
  const slices: T[][] = [];
  let slice: T[] = [];
  let weight = 0;
  for (const item of items) {
    const cost = weightOf(item);
    if (slice.length > 0 && weight + cost > RENDER_SLICE) {
      slices.push(slice);
      slice = [];
      weight = 0;
    }
    slice.push(item);
    weight += cost;
  }
  if (slice.length > 0) slices.push(slice);
  return slices;
}

const slicesOf = (items: readonly RenderItem[], expand: boolean) => renderSlices(items, (item) => renderWeight(item.state, expand));

/** Every account holder an event names (host, guests): their addresses become ORGANIZER / ATTENDEE mailto:s. */
function peopleOf(items: RenderItem[]): string[] {
  const people = new Set<string>();
  for (const { state, representation } of items) {
    if (representation.audience === 'busyOnly') continue;
    people.add(state.hostID);
    for (const userID of Object.keys(state.attendees)) people.add(userID);
  }
  return [...people];
}

function inputOf(item: RenderItem, emailOf: (userID: string) => string | undefined): RenderInput {
  return { event: item.state, audience: item.representation.audience, viewerID: item.representation.viewerID, emailOf, sequence: item.sequence ?? 0 };
}

/**
 * Renders events with the codec (RFC 5545), one read of rm_users for the addresses of all of them.
 * `separately`: one VCALENDAR per event (calendar-data, GET); `inSlices`: a few events per VCALENDAR (export); both yield between slices of RENDER_SLICE weight.
 */
export function calendarRenderer(members: Pick<CollectionMembers, 'emailsOf'>) {
  async function emailLookup(items: RenderItem[]) {
    const emails = await members.emailsOf(peopleOf(items));
    return (userID: string) => emails.get(userID);
  }
  return {
    /**
     * Each item as its own calendar object resource (RFC 4791 §4.1), in order, a slice at a time: the loop
     * yields between slices, so rendering a page of events never holds up other requests for long.
     */
    async separately(items: RenderItem[], options: { expand?: { start: Date; end: Date } } = {}): Promise<string[]> {
      const emailOf = await emailLookup(items);
      const texts: string[] = [];
      for (const [index, slice] of slicesOf(items, options.expand !== undefined).entries()) {
        if (index > 0) await yieldToLoop();
        for (const item of slice) texts.push(renderCalendarObject([inputOf(item, emailOf)], options.expand ? { expand: options.expand } : {}));
      }
      return texts;
    },
    /**
     * The items as VCALENDARs of at most RENDER_SLICE events each (with the VTIMEZONEs they use), yielding
     * between them: an export merges them into one (see CalendarObjectMerge).
     */
    async inSlices(items: RenderItem[]): Promise<string[]> {
      const emailOf = await emailLookup(items);
      const calendars: string[] = [];
      const slices = slicesOf(items, false);
      for (const [index, slice] of (slices.length > 0 ? slices : [[]]).entries()) {
        if (index > 0) await yieldToLoop();
        calendars.push(renderCalendarObject(slice.map((item) => inputOf(item, emailOf))));
      }
      return calendars;
    },
  };
}

export type CalendarRenderer = ReturnType<typeof calendarRenderer>;
