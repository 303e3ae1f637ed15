import { DomainError } from '@datebook/shared-kernel';
import { assertAcceptablePassword, passwordProblem } from './passwordPolicy';

const ann = { email: 'ann.smith@example.com', userName: 'Ann Smith' };

/** Item 2: NIST SP 800-63B §5.1.1.2. */
describe('password policy', () => {
  it('asks at least 10 characters, counted as characters, and at most 256', () => {
    expect(passwordProblem('nine char', ann)).toMatch(/at least 10/);
    expect(passwordProblem('ten chars!', ann)).toBeUndefined();
    expect(passwordProblem('🙂🙃🙂🙃🙂🙃🙂🙃🙂', ann)).toMatch(/at least 10/);
    expect(passwordProblem('🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃', ann)).toBeUndefined();
    expect(passwordProblem('x'.repeat(256), ann)).toBeUndefined();
    expect(passwordProblem('x'.repeat(257), ann)).toMatch(/at most 256/);
  });

  it('refuses the commonly used passwords of the shipped list, in any letter case', () => {
    for (const common of ['qwertyuiop', '1234567890', 'password123', 'PASSWORD1234', 'iloveyou12']) expect(passwordProblem(common, ann)).toMatch(/commonly used/);
    expect(passwordProblem('correct horse', ann)).toBeUndefined();
  });

  it('refuses the account’s own address, its local part and its name', () => {
    expect(passwordProblem('ANN.SMITH@example.com', ann)).toMatch(/e-mail address or your name/);
    expect(passwordProblem('ann.smith1', { ...ann, email: 'ann.smith1@example.com' })).toMatch(/e-mail address or your name/);
    expect(passwordProblem('ann smith ', ann)).toMatch(/your name/);
    expect(passwordProblem('ann smith is great', ann)).toBeUndefined();
    expect(passwordProblem('annsmith-the-great', { ...ann, userName: 'annsmith-the-great' })).toMatch(/your name/);
  });

  it('answers 400 naming the field', () => {
    let thrown: unknown;
    try {
      assertAcceptablePassword('short', ann, 'newPassword');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'VALIDATION_FAILED', fieldErrors: [{ path: 'newPassword' }] });
  });
});
