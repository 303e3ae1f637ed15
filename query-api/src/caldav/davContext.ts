import type { EventStore, LoadedCalendar } from '@datebook/shared-kernel/ports';
import type { CalendarRenderer } from './calendarData';
import type { CollectionMembers } from './collectionMembers';
import type { DavViewer } from './davViewer';

/** What serving one DAV request needs: who asks, the read model's collections, the renderer, the store for rights. */
export interface DavContext {
  viewer: DavViewer;
  members: CollectionMembers;
  renderer: CalendarRenderer;
  store: EventStore;
  /** Prefer: return=minimal (RFC 8144 §2.1) or Brief: t: leave 404 propstats out. */
  minimal: boolean;
  clock: () => Date;
  /** The calendar's rules as the store has them now: read once per request, started with the viewer's own read. */
  calendarOf(calendarID: string): Promise<LoadedCalendar>;
}

