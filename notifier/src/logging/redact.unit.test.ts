import { redactEmail } from './redact';

test('an address keeps its first letter and its domain only', () => {
  expect(redactEmail('alice.smith@example.com')).toBe('a***@example.com');
  expect(redactEmail('not an address')).toBe('***');
});
