export * from './calendarProjection';
export * from './logTailer';
