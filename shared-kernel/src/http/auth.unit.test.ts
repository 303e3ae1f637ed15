import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { foldSessionRevocations, isSessionRevoked, noRevocations } from '../aggregates/user/sessions';
import { DomainError } from '../errors/domainError';
import { authenticateRequest, authenticationFailureHeaders, jwtTokenService, withAppPasswords, withRevocations } from './auth';

const secret = 'a-secret-of-exactly-32-bytes-!!!';

/** Item 5: RFC 7518 §3.2, an HS256 key of at least 256 bits, however it is given. */
describe('jwtTokenService', () => {
  it('refuses to start with a secret under 32 bytes, saying why', () => {
    expect(() => jwtTokenService('', 3600, () => new Date())).toThrow(/0 bytes long; HS256 needs at least 32/);
    expect(() => jwtTokenService('x'.repeat(31), 3600, () => new Date())).toThrow(/31 bytes/);
    expect(() => jwtTokenService(secret, 3600, () => new Date())).not.toThrow();
  });

  it('accepts no token without a session id, and no token signed with an empty key', async () => {
    const tokens = jwtTokenService(secret, 3600, () => new Date());
    const noSession = jwt.sign({ sub: 'user-1', exp: Math.floor(Date.now() / 1000) + 60 }, secret, { algorithm: 'HS256', issuer: 'datebook' });
    expect(() => tokens.verify(noSession)).toThrow('the token is not valid');
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'user-1', sid: 's', iss: 'datebook', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    const emptyKeySignature = createHmac('sha256', '').update(`${header}.${payload}`).digest('base64url');
    await expect(tokens.authenticate(`${header}.${payload}.${emptyKeySignature}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('keeps session tokens and e-mail link tokens apart, and links to their purpose and lifetime', () => {
    const tokens = jwtTokenService(secret, 3600, () => new Date());
    const now = new Date();
    const link = tokens.issueLink('password-reset', { userID: 'user-1', requestID: 'r-1' }, new Date(now.getTime() + 3_600_000));
    expect(tokens.verifyLink('password-reset', link, now)).toEqual({ userID: 'user-1', requestID: 'r-1' });
    expect(() => tokens.verifyLink('verify-email', link, now)).toThrow('the link is not valid');
    expect(() => tokens.verifyLink('password-reset', link, new Date(now.getTime() + 3_601_000))).toThrow('the link has expired; ask for a new one');
    expect(() => tokens.verify(link)).toThrow('the token is not valid');
    expect(() => tokens.verifyLink('password-reset', tokens.issue('user-1', now).token, now)).toThrow('the link is not valid');
  });

  it('refuses a revoked session through withRevocations', async () => {
    let revocations = noRevocations();
    const tokens = withRevocations(jwtTokenService(secret, 3600, () => new Date()), { isRevoked: (s) => isSessionRevoked(revocations, s.sessionID, s.generation) });
    const first = tokens.issue('user-1', new Date());
    const second = tokens.issue('user-1', new Date());
    revocations = foldSessionRevocations(revocations, { type: 'SessionRevoked', data: { userID: '11111111-1111-4111-8111-111111111111', sessionID: first.sessionID } });
    await expect(tokens.authenticate(first.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(tokens.authenticate(second.token)).resolves.toMatchObject({ userID: 'user-1', sessionID: second.sessionID });
    revocations = foldSessionRevocations(revocations, { type: 'SessionsRevoked', data: { userID: '11111111-1111-4111-8111-111111111111', generation: 1, keptSessionID: second.sessionID } });
    await expect(tokens.authenticate(second.token)).resolves.toBeDefined();
    await expect(tokens.authenticate(tokens.issue('user-1', new Date(), { generation: 1 }).token)).resolves.toBeDefined();
    await expect(tokens.authenticate(tokens.issue('user-1', new Date(), { generation: 0 }).token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

/** RFC 9110 §11.6.1: every 401 says how to sign in; calendar apps wait for a Basic challenge (RFC 7617). */
describe('authentication failure headers', () => {
  const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {}, socket: {} as never });
  const unauthenticated = new DomainError('UNAUTHENTICATED', 'no');

  it('challenges for Bearer, or for Basic when the request tried it or the route offers it', () => {
    expect(authenticationFailureHeaders(request(), unauthenticated)).toEqual({ 'WWW-Authenticate': 'Bearer realm="Datebook"' });
    expect(authenticationFailureHeaders(request('Bearer x'), unauthenticated)).toEqual({ 'WWW-Authenticate': 'Bearer realm="Datebook"' });
    expect(authenticationFailureHeaders(request('basic abc'), unauthenticated)).toEqual({ 'WWW-Authenticate': 'Basic realm="Datebook"' });
    expect(authenticationFailureHeaders(request(), unauthenticated, true)).toEqual({ 'WWW-Authenticate': 'Basic realm="Datebook"' });
  });

  it('says when to try again after too many failures, and nothing for other errors', () => {
    expect(authenticationFailureHeaders(request(), new DomainError('TOO_MANY_ATTEMPTS', 'wait', [], { retryAfterSeconds: 60 }))).toEqual({ 'Retry-After': '60' });
    expect(authenticationFailureHeaders(request(), new DomainError('EVENT_NOT_FOUND', 'no'))).toEqual({});
    expect(authenticationFailureHeaders(request(), new Error('boom'))).toEqual({});
  });

  it('signs in with Basic only where the tokens take app passwords', async () => {
    const tokens = jwtTokenService(secret, 3600, () => new Date());
    const basic = `Basic ${Buffer.from('ann@example.com:abcd').toString('base64')}`;
    await expect(authenticateRequest(tokens, request(basic))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const verifier = { verify: async () => ({ userID: 'user-1', appPasswordID: 'p-1' }), forget: () => undefined };
    await expect(authenticateRequest(withAppPasswords(tokens, verifier), request(basic))).resolves.toEqual({ userID: 'user-1', scheme: 'basic' });
    const { token } = tokens.issue('user-2', new Date());
    await expect(authenticateRequest(withAppPasswords(tokens, verifier), request(`Bearer ${token}`))).resolves.toEqual({ userID: 'user-2', scheme: 'bearer' });
  });
});
