export { planEventWrites, type EventWritesInput, type EventWritesPlan } from './planEventWrites';
