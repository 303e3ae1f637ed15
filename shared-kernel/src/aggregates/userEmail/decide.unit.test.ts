import { type UserEmailCommand, decide } from './decide';
import { evolve, initialState } from './state';

const claim = (userID: string): UserEmailCommand => ({
  type: 'ClaimEmail',
  data: { email: 'ann@example.com', userID, registration: { userName: 'Ann', passwordHash: 'scrypt$hash', timeZone: 'UTC' } },
});
const [first, second] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];

describe('the UserEmail decider', () => {
  it('claims a free address with the registration', () => {
    expect(decide(claim(first), initialState())).toEqual([{ type: 'EmailClaimed', data: claim(first).data }]);
  });

  it('changes nothing once the address is claimed, and the state names the holder', () => {
    const claimed = decide(claim(first), initialState()).reduce(evolve, initialState());
    expect(decide(claim(second), claimed)).toEqual([]);
    expect(claimed).toEqual({ status: 'claimed', claim: claim(first).data });
    // A second claim in the stream (none is written) would not move the address.
    expect(evolve(claimed, { type: 'EmailClaimed', data: claim(second).data })).toEqual(claimed);
  });
});
