export * from './app';
export * from './consistency/readYourWrites';
export * from './queryService';
