import { caldavName, davName, type QName, qname, DATEBOOK_NS } from './davNames';
import { xmlDocument, xmlNode, type XmlNode } from './xmlWriter';

/**
 * A refusal in WebDAV's terms: an HTTP status and, for a failed precondition or postcondition, the
 * condition element that names it (RFC 4918 §16), sent as `<D:error><condition/></D:error>`.
 * A refusal without a condition (413, 415, 400 for unreadable XML) has a plain-text body.
 */
export class DavError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The element inside DAV:error, e.g. `<D:need-privileges>…</D:need-privileges>`. */
    readonly condition?: XmlNode,
  ) {
    super(message);
    this.name = 'DavError';
  }
}

export const isDavError = (error: unknown): error is DavError => error instanceof DavError;

/** A condition element with no content (most of them). */
const condition = (name: QName): XmlNode => xmlNode(name);

/** The response a DavError becomes. */
export function davErrorResponse(error: DavError): { status: number; contentType: string; body: string } {
  if (!error.condition) return { status: error.status, contentType: 'text/plain; charset=utf-8', body: `${error.message}\n` };
  // A human-readable reason next to the condition: clients ignore elements they do not know (RFC 4918 §17).
  const body = xmlDocument(xmlNode(davName('error'), error.condition, xmlNode(qname(DATEBOOK_NS, 'message'), error.message)));
  return { status: error.status, contentType: 'application/xml; charset=utf-8', body };
}

// ---- RFC 4918 (WebDAV) ----

/** 400: a body that is not well-formed XML, or not the element the method expects (RFC 4918 §8.2). */
export const unreadableXml = (reason: string) => new DavError(400, `the request body is not acceptable XML: ${reason}`);

/** 413: the body is over the limit. */
export const bodyTooLarge = (limitBytes: number) => new DavError(413, `the request body is larger than ${limitBytes} bytes`);

/** 415: a body in a media type or content coding the method does not take. */
export const unsupportedBody = (reason: string) => new DavError(415, reason);

/** 403 DAV:propfind-finite-depth: PROPFIND with Depth: infinity is not served (RFC 4918 §9.1, §16). */
export const propfindFiniteDepth = () => new DavError(403, 'PROPFIND with Depth: infinity is not supported; use Depth 0 or 1', condition(davName('propfind-finite-depth')));

/** 403 DAV:cannot-modify-protected-property (RFC 4918 §16), for PROPPATCH of a live property. */
export const cannotModifyProtectedProperty = (message = 'that property is protected') =>
  new DavError(403, message, condition(davName('cannot-modify-protected-property')));

/** 405 / 409 DAV:resource-must-be-null: MKCALENDAR or MKCOL where something already is (RFC 4918 §16, RFC 4791 §5.3.1.1). */
export const resourceMustBeNull = (message = 'a resource already exists at this URL') => new DavError(405, message, condition(davName('resource-must-be-null')));

// ---- RFC 3744 (ACL) §7.1.1 ----

/** 403 DAV:need-privileges: the asker may see `href` but lacks `privilege` on it (e.g. a reader's PUT). */
export function needPrivileges(href: string, privilege: QName, message = 'you may read this calendar but not change it'): DavError {
  const resource = xmlNode(davName('resource'), xmlNode(davName('href'), href), xmlNode(davName('privilege'), xmlNode(privilege)));
  return new DavError(403, message, xmlNode(davName('need-privileges'), resource));
}

// ---- RFC 3253 §3.6 / RFC 6578 §3.2, §3.3 ----

/** 403 DAV:supported-report: a REPORT this resource does not answer. */
export const unsupportedReport = (message = 'this report is not supported on this resource') => new DavError(403, message, condition(davName('supported-report')));

/** 403 DAV:valid-sync-token: a token this server did not issue for this collection (RFC 6578 §3.2). */
export const invalidSyncToken = (message = 'the sync-token is not one this collection issued; sync again from an empty token') =>
  new DavError(403, message, condition(davName('valid-sync-token')));

/** 507 DAV:number-of-matches-within-limits: more results than one response gives (RFC 6578 §3.3, RFC 5323 §5.17). */
export const tooManyMatches = (message: string) => new DavError(507, message, condition(davName('number-of-matches-within-limits')));

// ---- RFC 4791 (CalDAV) §5.3.2.1, §5.3.1.1, §9 ----

export const caldavPrecondition = (status: number, local: CaldavCondition, message: string, content?: XmlNode) =>
  new DavError(status, message, content ? xmlNode(caldavName(local), content) : condition(caldavName(local)));

/** The CalDAV pre/postconditions a server names (RFC 4791 §5.3.2.1, §5.3.1.1, §7.5–§7.8). */
export type CaldavCondition =
  | 'supported-calendar-data'
  | 'valid-calendar-data'
  | 'valid-calendar-object-resource'
  | 'supported-calendar-component'
  | 'calendar-collection-location-ok'
  | 'max-resource-size'
  | 'min-date-time'
  | 'max-date-time'
  | 'max-instances'
  | 'max-attendees-per-instance'
  | 'valid-filter'
  | 'supported-filter'
  | 'supported-collation'
  | 'valid-calendar-collection'
  | 'initialize-calendar-collection';

/** 409 C:no-uid-conflict: the UID is already used by another resource of the collection, named by its href. */
export const noUidConflict = (href: string, message = 'another resource of this calendar has that UID') =>
  new DavError(409, message, xmlNode(caldavName('no-uid-conflict'), xmlNode(davName('href'), href)));
