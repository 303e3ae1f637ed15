export * from './calendarProjection';
export * from './readModelProjector';
export * from './redisViewProjector';
export * from './replay/readModelReplay';
