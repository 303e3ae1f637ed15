import { randomUUID } from 'node:crypto';
import { DomainError, parseUserEvent, streamName, type UserEvent } from '@datebook/shared-kernel';
import { type EventStore, WrongExpectedVersionError } from '@datebook/shared-kernel/ports';
import { handleCommand } from '../commandHandling/handleCommand';
import { hashPassword, verifyPassword } from './passwordHash';
import { decide, evolve, initialState, normaliseEmail, type UserCommand, type UserState } from './user';

export type SettingsChange = Omit<Extract<UserCommand, { type: 'ChangeSettings' }>['data'], 'userID'>;

const userDecider = { decide, evolve, initialState, parse: parseUserEvent };

export interface Registration {
  userName: string;
  email: string;
  password: string;
  timeZone: string;
}

/** Sign-up and sign-in, reading the User and UserEmail streams directly (strongly consistent). */
export function userAccounts(store: EventStore) {
  async function readUser(userID: string): Promise<UserState> {
    const { events } = await store.readStream(streamName('User', userID));
    return events.reduce<UserState>((state, recorded) => {
      const event = parseUserEvent(recorded.type, recorded.data);
      return event ? evolve(state, event) : state;
    }, initialState());
  }

  async function claimedBy(email: string): Promise<string | undefined> {
    const { events } = await store.readStream(streamName('UserEmail', email));
    const claim = events.map((e) => parseUserEvent(e.type, e.data)).find((e): e is Extract<UserEvent, { type: 'EmailClaimed' }> => e?.type === 'EmailClaimed');
    return claim?.data.userID;
  }

  // Verifying against a throw-away hash keeps sign-in time the same whether or not the address exists.
  const decoyHash = hashPassword(randomUUID());

  return {
    readUser,

    /**
     * The UserEmail stream can be created once only, which makes addresses unique. A registration
     * that stopped after claiming the address is completed by the next attempt instead of locking it.
     */
    async register(input: Registration, context: { now: Date; correlationId: string }): Promise<{ userID: string; version: number }> {
      const email = normaliseEmail(input.email);
      let userID: string = randomUUID();
      const metadata = { actorID: userID, occurredAt: context.now.toISOString(), correlationId: context.correlationId, schemaVersion: 1 };
      try {
        await store.appendToStream(streamName('UserEmail', email), [{ eventID: randomUUID(), type: 'EmailClaimed', data: { email, userID }, metadata }], 'no_stream');
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const owner = await claimedBy(email);
        if (owner === undefined || (await readUser(owner)).status === 'registered') {
          throw new DomainError('EMAIL_TAKEN', 'an account with this e-mail address exists', [{ path: 'email', message: 'already registered' }]);
        }
        userID = owner;
      }
      const command: UserCommand = {
        type: 'RegisterUser',
        data: { userID, userName: input.userName, email, passwordHash: await hashPassword(input.password), timeZone: input.timeZone },
      };
      const result = await handleCommand(store, streamName('User', userID), userDecider, command, { actorID: userID, ...context });
      return { userID, version: result.version ?? 0 };
    },

    async changeSettings(userID: string, change: SettingsChange, context: { now: Date; correlationId: string }) {
      const command: UserCommand = { type: 'ChangeSettings', data: { userID, ...change } };
      return handleCommand(store, streamName('User', userID), userDecider, command, { actorID: userID, ...context });
    },

    async signIn(email: string, password: string): Promise<string> {
      const owner = await claimedBy(normaliseEmail(email));
      const user = owner === undefined ? undefined : await readUser(owner);
      const ok = await verifyPassword(password, user?.status === 'registered' ? user.passwordHash : await decoyHash);
      if (!ok || user?.status !== 'registered') throw new DomainError('INVALID_CREDENTIALS', 'wrong e-mail address or password');
      return user.userID;
    },

    /** The ids among `userIDs` that belong to nobody. */
    async unknownUsers(userIDs: string[]): Promise<string[]> {
      const unique = [...new Set(userIDs)];
      const states = await Promise.all(unique.map(async (id) => [id, (await store.readStream(streamName('User', id))).currentVersion] as const));
      return states.filter(([, version]) => version === null).map(([id]) => id);
    },
  };
}

export type UserAccounts = ReturnType<typeof userAccounts>;
