import { calendarViewsContract } from './calendarViews.contract';
import { inMemoryCalendarViews } from './inMemoryCalendarViews';

calendarViewsContract('inMemoryCalendarViews', {
  create: async () => inMemoryCalendarViews(),
  dispose: async () => undefined,
});
