export * from './calendarProjection';
export * from './readModelProjector';
export * from './replay/readModelReplay';
