import { yieldToLoop } from '@datebook/shared-kernel';
import type { PieceSink } from '@datebook/shared-kernel/dav';
import { caldavName, childNamed, MultistatusWriter, type XmlElement } from '@datebook/shared-kernel/dav';
import { eventFilterOf, meetsPropertyTests, overlapsTimeRange } from './calendarFilter';
import type { SeenCollection } from './collectionAccess';
import type { Member, StoredEvent } from './collectionMembers';
import type { DavContext } from './davContext';
import { collectionHref } from '@datebook/shared-kernel/dav';
import { calendarDataRequestOf, writeMemberResponses } from './memberResponses';
import { reportPropsOf } from './reportProps';
import { representationOf } from './representation';

/** Members read per query: each page is one index range scan, rendered before the next is read. */
const PAGE = 250;
/** The most resources one answer lists; past it, a 507 for the collection says the list was cut (RFC 4791 §7.8). */
export const MAX_QUERY_RESULTS = 10_000;

/**
 * REPORT calendar-query (RFC 4791 §7.8): the members whose VEVENT meets the filter, read a page at a time
 * from the read model (span_start/span_end prune by time range in SQL), each page filtered exactly
 * (occurrences expanded, exceptions applied), rendered and written before the loop yields to other requests.
 */
export async function calendarQueryReport(context: DavContext, collection: SeenCollection, report: XmlElement, emit: PieceSink): Promise<void> {
  const props = reportPropsOf(report);
  const filter = eventFilterOf(childNamed(report, caldavName('filter')));
  const data = calendarDataRequestOf(props);
  const withState = data !== undefined || filter.timeRange !== undefined || filter.properties.length > 0;
  const writer = new MultistatusWriter().open();
  await emit(writer.take());
  let listed = 0;
  let truncated = false;
  let after: string | undefined;
  while (!filter.matchesNothing) {
    const page = await context.members.present(collection.calendarID, context.viewer.userID, { withState, limit: PAGE, ...(after ? { after } : {}), ...(filter.timeRange ? { window: filter.timeRange } : {}) });
    if (page.length === 0) break;
    after = page.at(-1)?.eventID;
    let matching = page.filter((member) => {
      const state = member.state;
      if (!state) return true;
      const busyOnly = representationOf(member, collection, context.viewer).audience === 'busyOnly';
      return (!filter.timeRange || overlapsTimeRange(state, filter.timeRange, collection.calendar.timeZone)) && meetsPropertyTests(member as Member & { state: StoredEvent }, filter.properties, busyOnly);
    });
    if (listed + matching.length > MAX_QUERY_RESULTS) {
      matching = matching.slice(0, MAX_QUERY_RESULTS - listed);
      truncated = true;
    }
    await writeMemberResponses(writer, context, collection, matching, props, data);
    listed += matching.length;
    await emit(writer.take());
    if (truncated || page.length < PAGE) break;
    await yieldToLoop();
  }
  if (truncated) writer.response({ href: collectionHref(collection.calendarID), status: 507 });
  await emit(writer.close().take());
}
