export * from './postgresTestDatabase';
export { eventStoreContract, newEvent } from '../ports/eventStore/eventStore.contract';
