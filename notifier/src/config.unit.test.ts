import { readNotifierConfig } from './config';

const required = { DATABASE_URL: 'postgres://db/datebook', JWT_SECRET: 'x'.repeat(32) };

test('defaults fill what is not set', () => {
  const config = readNotifierConfig(required);
  expect(config).toMatchObject({ PORT: 3004, HOST: '127.0.0.1', DATA_DIR: './data', SMTP_MAX_CONNECTIONS: 5, REMINDER_LATE_AFTER_SECONDS: 60, SYNC_RETENTION_HOURS: 168 });
  expect(config.SMTP_URL).toBeUndefined();
});

test('a bad value stops start-up with a message naming its key', () => {
  expect(() => readNotifierConfig({ ...required, PORT: 'eighty' })).toThrow(/PORT/);
  expect(() => readNotifierConfig({ ...required, SMTP_URL: 'not a url' })).toThrow(/SMTP_URL/);
  expect(() => readNotifierConfig({ DATABASE_URL: required.DATABASE_URL })).toThrow(/JWT_SECRET/);
  expect(() => readNotifierConfig({ ...required, VAPID_SUBJECT: 'ops@example.com' })).toThrow(/VAPID_SUBJECT/);
});
