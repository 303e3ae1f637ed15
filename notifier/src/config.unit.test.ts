import { readConfig } from '@datebook/shared-kernel/runtime';
import { NotifierConfig } from './config';

const required = { DATABASE_URL: 'postgres://db/datebook', JWT_SECRET: 'x'.repeat(32) };

test('defaults fill what is not set', () => {
  const config = readConfig(NotifierConfig, required);
  expect(config).toMatchObject({ PORT: 3004, HOST: '127.0.0.1', DATA_DIR: './data', SMTP_MAX_CONNECTIONS: 5, REMINDER_LATE_AFTER_SECONDS: 60, SYNC_RETENTION_HOURS: 168 });
  expect(config.SMTP_URL).toBeUndefined();
});

test('a bad value stops start-up with a message naming its key', () => {
  expect(() => readConfig(NotifierConfig, { ...required, PORT: 'eighty' })).toThrow(/PORT/);
  expect(() => readConfig(NotifierConfig, { ...required, SMTP_URL: 'not a url' })).toThrow(/SMTP_URL/);
  expect(() => readConfig(NotifierConfig, { DATABASE_URL: required.DATABASE_URL })).toThrow(/JWT_SECRET/);
  expect(() => readConfig(NotifierConfig, { ...required, VAPID_SUBJECT: 'ops@example.com' })).toThrow(/VAPID_SUBJECT/);
});

test('the abuse limits have safe defaults and the push allow-list is empty unless set', () => {
  const config = readConfig(NotifierConfig, required);
  expect(config).toMatchObject({ PUSH_ALLOWED_HOSTS: [], SYNC_STREAMS_PER_USER: 5, MAIL_PER_SENDER_PER_HOUR: 100, MAIL_PER_SENDER_PER_DAY: 500 });
  expect(readConfig(NotifierConfig, { ...required, PUSH_ALLOWED_HOSTS: ' push.internal:8443 , 127.0.0.1 ' }).PUSH_ALLOWED_HOSTS).toEqual(['push.internal:8443', '127.0.0.1']);
  expect(() => readConfig(NotifierConfig, { ...required, SYNC_STREAMS_PER_USER: '0' })).toThrow(/SYNC_STREAMS_PER_USER/);
});
