// Test and benchmark helpers: real SMTP server process, local push service, a whole notifier harness.
export * from './notifierHarness';
export * from './pushReceiver';
export * from './smtpSink';
export { ledgerTimings } from './ledgerTimings';
