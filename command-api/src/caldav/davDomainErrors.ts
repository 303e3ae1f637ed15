import { DomainError } from '@datebook/shared-kernel';
import { caldavPrecondition, DavError, davName, needPrivileges } from '@datebook/shared-kernel/dav';

/**
 * A refused command as a DAV client understands it (RFC 4918 §16, RFC 3744 §7.1.1, RFC 4791 §5.3.2.1): the
 * deciders are the REST routes' own, only the answer's form differs. `href` names the resource asked for.
 * Errors with no DAV meaning (sign-in, limits, our own failures) are left as they are, for the problem handler.
 */
export function davErrorOf(error: unknown, href: string): unknown {
  if (!(error instanceof DomainError)) return error;
  const detail = [error.message, ...error.fieldErrors.map((field) => `${field.path}: ${field.message}`)].join('; ');
  switch (error.code) {
    case 'VERSION_MISMATCH':
      return new DavError(412, 'the resource has changed since; fetch it again');
    case 'EVENT_NOT_FOUND':
    case 'CALENDAR_NOT_FOUND':
      return new DavError(404, 'no such resource');
    case 'NOT_WRITER':
    case 'NOT_HOST':
    case 'NOT_OWNER':
    case 'HOST_CANNOT_RESPOND':
      return needPrivileges(href, davName('write-content'), error.message);
    case 'VALIDATION_FAILED':
    case 'INVALID_TIME_RANGE':
    case 'INVALID_ICALENDAR':
      return caldavPrecondition(400, 'valid-calendar-data', detail);
    case 'EVENT_CANCELLED':
    case 'EVENT_ID_TAKEN':
    case 'CONCURRENCY_CONFLICT':
      return new DavError(409, error.message);
    default:
      return error;
  }
}
