import { renderCalendarObject, type RenderInput } from '@datebook/shared-kernel';
import type { CollectionMembers, StoredEvent } from './collectionMembers';
import { yieldToLoop } from './davContext';
import type { Representation } from './representation';

/** One event to render for one viewer. */
export interface RenderItem {
  state: StoredEvent;
  representation: Representation;
}

/** Events rendered between two yields to the event loop (a few ms of work; an event takes 0.1–0.2 ms). */
export const RENDER_SLICE = 40;

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
  return { event: item.state, audience: item.representation.audience, viewerID: item.representation.viewerID, emailOf };
}

/**
 * Renders events with the codec (RFC 5545), one read of rm_users for the addresses of all of them.
 * `separately`: one VCALENDAR per event (calendar-data, GET); `inSlices`: a few events per VCALENDAR (export).
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
      for (let i = 0; i < items.length; i += RENDER_SLICE) {
        if (i > 0) await yieldToLoop();
        for (const item of items.slice(i, i + RENDER_SLICE)) texts.push(renderCalendarObject([inputOf(item, emailOf)], options.expand ? { expand: options.expand } : {}));
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
      for (let i = 0; i < Math.max(items.length, 1); i += RENDER_SLICE) {
        if (i > 0) await yieldToLoop();
        calendars.push(renderCalendarObject(items.slice(i, i + RENDER_SLICE).map((item) => inputOf(item, emailOf))));
      }
      return calendars;
    },
  };
}

export type CalendarRenderer = ReturnType<typeof calendarRenderer>;
