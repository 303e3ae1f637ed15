export * from './calendarProjection';
export * from './readModelProjector';
