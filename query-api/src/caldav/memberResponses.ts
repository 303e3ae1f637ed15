import { yieldToLoop } from '@datebook/shared-kernel';
import { caldavName, childNamed, isNamed, type MultistatusWriter } from '@datebook/shared-kernel/dav';
import { timeRangeOf } from './calendarFilter';
import type { SeenCollection } from './collectionAccess';
import type { Member } from './collectionMembers';
import type { DavContext } from './davContext';
import { objectHref } from '@datebook/shared-kernel/dav';
import { objectProperties } from './davResources';
import type { PropRequest } from './propRequest';
import { etagOf, representationOf } from './representation';

/** calendar-data as asked (RFC 4791 §9.6): whole, or with a series expanded into its instances in a range (§9.6.5). */
export interface CalendarDataRequest {
  expand?: { start: Date; end: Date };
}

/** Whether the request asks for calendar-data, and how; undefined when it does not. */
export function calendarDataRequestOf(props: PropRequest): CalendarDataRequest | undefined {
  if (props.kind !== 'prop') return undefined;
  const element = props.elements.find((e) => isNamed(e, caldavName('calendar-data')));
  if (!element) return undefined;
  const expand = childNamed(element, caldavName('expand'));
  if (!expand) return {};
  const range = timeRangeOf(expand, { bothRequired: true });
  return { expand: { start: range.start as Date, end: range.end as Date } };
}

/**
 * Writes one DAV:response per member, each as the viewer sees it (see representationOf), rendering
 * calendar-data only when asked (states read in one query for members read without them).
 */
export async function writeMemberResponses(
  writer: MultistatusWriter, context: DavContext, collection: SeenCollection, members: Member[], props: PropRequest,
  data: CalendarDataRequest | undefined, hrefOf: (member: Member) => string = (m) => objectHref(collection.calendarID, m.uid),
): Promise<void> {
  const shown = members.map((member) => ({ member, representation: representationOf(member, collection, context.viewer) }));
  const rendered = new Map<string, string>();
  if (data) {
    const states = await context.members.statesOf(members.filter((m) => !m.state).map((m) => m.eventID));
    const items = shown.flatMap(({ member, representation }) => {
      const read = member.state ? { state: member.state, sequence: member.sequence ?? 0 } : states.get(member.eventID);
      return read ? [{ eventID: member.eventID, state: read.state, representation, sequence: read.sequence }] : [];
    });
    const texts = await context.renderer.separately(items, data.expand ? { expand: data.expand } : {});
    items.forEach((item, i) => rendered.set(item.eventID, texts[i] as string));
  }
  let escaped = 0;
  for (const { member, representation } of shown) {
    const text = rendered.get(member.eventID);
    const table = objectProperties(etagOf(member, representation), text === undefined ? undefined : () => text);
    writer.response(table.responseFor(hrefOf(member), props, context.minimal));
    // Each calendar-data is escaped as it is written (up to a MiB an event): the loop turns every few hundred KB of it.
    escaped += text?.length ?? 0;
    if (escaped > ESCAPED_PER_TURN) {
      escaped = 0;
      await yieldToLoop();
    }
  }
}

/** Characters of calendar-data written (XML-escaped) between two turns of the event loop: a few ms of work. */
const ESCAPED_PER_TURN = 256 * 1024;
