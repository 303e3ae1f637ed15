export * from './app';
export * from './consistency/readYourWrites';
