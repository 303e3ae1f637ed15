import { calendarViewsContract } from './calendarViews.contract';
import { inMemoryCalendarViews } from './inMemoryCalendarViews';

calendarViewsContract('inMemoryCalendarViews', {
  create: async (clock) => inMemoryCalendarViews({ clock }),
  dispose: async () => undefined,
});
