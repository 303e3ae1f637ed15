import type { UserEvent } from './events';

/** Which sessions of a user are revoked, folded from the User stream (see `foldSessionRevocations`). */
export interface SessionRevocationState {
  /** Tokens of an older generation are revoked (0 until every session is revoked once). */
  generation: number;
  /** The session that survived the last revocation of every session. */
  keptSessionID?: string;
  /** Sessions signed out one by one since the last revocation of every session. */
  revokedSessionIDs: Set<string>;
}

export const noRevocations = (): SessionRevocationState => ({ generation: 0, revokedSessionIDs: new Set() });

/** Folds one User event into the revocation state; other events leave it as it is. */
export function foldSessionRevocations(state: SessionRevocationState, event: UserEvent): SessionRevocationState {
  if (event.type === 'SessionRevoked') return { ...state, revokedSessionIDs: new Set([...state.revokedSessionIDs, event.data.sessionID]) };
  if (event.type === 'SessionsRevoked') {
    // Single sign-outs before this are covered by the generation (the kept session was not signed out, or it could not revoke).
    return { generation: event.data.generation, ...(event.data.keptSessionID === undefined ? {} : { keptSessionID: event.data.keptSessionID }), revokedSessionIDs: new Set() };
  }
  return state;
}

/** Whether a token of `sessionID`, issued in `generation`, is revoked. */
export function isSessionRevoked(state: SessionRevocationState, sessionID: string, generation: number): boolean {
  if (state.revokedSessionIDs.has(sessionID)) return true;
  return generation < state.generation && sessionID !== state.keptSessionID;
}
