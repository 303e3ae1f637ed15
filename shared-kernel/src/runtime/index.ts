// What each process's composition root (main.ts) shares.
export * from './config';
export * from './eventSourceFor';
export * from './serve';
export * from './openEventStore';
export * from './serveService';
