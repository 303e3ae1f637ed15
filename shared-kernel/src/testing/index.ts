export * from './postgresTestDatabase';
export { eventStoreContract, newEvent } from '../ports/eventStore/eventStore.contract';
export { eventSourceContract } from '../ports/eventSource/eventSource.contract';
export * from './localKafkaBroker';
export { calendarViewsContract } from '../ports/calendarViews/calendarViews.contract';
export { measureEventLoopDelay, withEventLoopGuard } from './eventLoopGuard';
export { pollUntil, type PollUntilOptions } from './pollUntil';
export * from './testCorpora';
export * from './intervalArbitraries';
