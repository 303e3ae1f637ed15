/** A broken rule, named by a machine-readable code; mapped to HTTP once, at the edge. */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_TIME_RANGE'
  | 'UNAUTHENTICATED'
  | 'INVALID_CREDENTIALS'
  | 'FORBIDDEN'
  | 'NOT_HOST'
  | 'HOST_CANNOT_RESPOND'
  | 'EVENT_NOT_FOUND'
  | 'EVENT_CANCELLED'
  | 'EVENT_ID_TAKEN'
  | 'EMAIL_TAKEN'
  | 'CONCURRENCY_CONFLICT'
  | 'VERSION_MISMATCH'
  | 'UNKNOWN_USERS'
  | 'CONSISTENCY_TIMEOUT'
  | 'SCHEDULE_CONFLICT'
  | 'SYNC_TOKEN_EXPIRED'
  | 'DEVICE_TAKEN'
  | 'TOO_MANY_STREAMS'
  | 'SERVER_BUSY'
  | 'TOO_MANY_ATTEMPTS'
  | 'INVALID_LINK'
  | 'WRONG_PASSWORD'
  | 'CALENDAR_NOT_FOUND'
  | 'CALENDAR_ID_TAKEN'
  | 'NOT_OWNER'
  | 'NOT_WRITER'
  | 'PRIMARY_CALENDAR'
  | 'LAST_OWNER'
  | 'RULE_NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'APP_PASSWORD_NOT_FOUND'
  | 'TOO_MANY_APP_PASSWORDS'
  | 'INVALID_ICALENDAR'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'FEED_NOT_FOUND'
  | 'TOO_MANY_FEEDS'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'NOT_A_SUBSCRIPTION'
  | 'SUBSCRIPTION_HOST_NOT_ALLOWED'
  | 'SUBSCRIPTION_FETCH_FAILED';

export interface FieldError {
  /** JSON path of the offending field, e.g. `invitedUserIDs.2` or `endTime`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fieldErrors: FieldError[] = [],
    /** Extension members for the problem body (e.g. the conflicts of a refused booking). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A link (verification, password reset) that is forged, expired, replaced or used: INVALID_LINK naming `token`. */
export const invalidLink = (message: string) => new DomainError('INVALID_LINK', message, [{ path: 'token', message }]);
