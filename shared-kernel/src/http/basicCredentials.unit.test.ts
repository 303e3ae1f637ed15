import { basicCredentials } from './basicCredentials';
import { memoryCredentialThrottle } from './credentialThrottle';

const encode = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('HTTP Basic credentials (RFC 7617)', () => {
  it('reads the user-id up to the first colon and the password after it, as UTF-8', () => {
    expect(basicCredentials(encode('ann@example.com:abcd-efgh:x'))).toEqual({ userID: 'ann@example.com', password: 'abcd-efgh:x' });
    expect(basicCredentials(encode('zoë@example.com:pässword'))).toEqual({ userID: 'zoë@example.com', password: 'pässword' });
    expect(basicCredentials(`basic   ${Buffer.from('a@b.c:p').toString('base64')}`)).toEqual({ userID: 'a@b.c', password: 'p' });
  });

  it('leaves other schemes alone and refuses malformed Basic', () => {
    expect(basicCredentials(undefined)).toBeUndefined();
    expect(basicCredentials('Bearer abc')).toBeUndefined();
    expect(basicCredentials('Basicabc')).toBeUndefined();
    for (const header of ['Basic', 'Basic !!!!', encode('no colon'), encode(':password only')]) {
      expect(() => basicCredentials(header)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    }
  });
});

describe('memory credential throttle', () => {
  it('blocks an account after 10 failures in a row, doubling, and a client after 100 in 15 minutes', async () => {
    let now = 0;
    const throttle = memoryCredentialThrottle(() => new Date(now));
    for (let i = 0; i < 9; i++) await throttle.failed('Ann@example.com', `c${i}`);
    await expect(throttle.check('ann@example.com', 'x')).resolves.toBeUndefined();
    await throttle.failed('ann@example.com', 'c9');
    await expect(throttle.check('ann@example.com', 'x')).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS', extensions: { retryAfterSeconds: 60 } });
    now += 60_000;
    await throttle.check('ann@example.com', 'x');
    await throttle.failed('ann@example.com', 'c10');
    await expect(throttle.check('ann@example.com', 'x')).rejects.toMatchObject({ extensions: { retryAfterSeconds: 120 } });
    await throttle.succeeded('ann@example.com');
    await throttle.check('ann@example.com', 'x');

    for (let i = 0; i < 100; i++) await throttle.failed(`u${i}@example.com`, 'guesser');
    await expect(throttle.check('someone@example.com', 'guesser')).rejects.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    now += 15 * 60_000;
    await throttle.check('someone@example.com', 'guesser');
  });
});
