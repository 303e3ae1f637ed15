// Redis (ioredis): the production calendar views and the view-copy request list.
export * from './accessStamps/redisAccessStamps';
export * from './calendarViews/redisCalendarViews';
export * from './calendarViews/calendarViewsRedisClient';
export * from './viewCopies/redisViewCopyRequests';
