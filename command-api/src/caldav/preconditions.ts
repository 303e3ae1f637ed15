import { DavError } from '@datebook/shared-kernel/dav';

/** A resource as the conditional headers are checked against: its stream version, when it exists in the collection. */
export interface ResourceVersion {
  exists: boolean;
  version: number | null;
}

/** The version an entity tag names: `"<version>-<view letter>"` (design 14) or the REST API's `"<version>"`; weak tags never match (strong comparison, RFC 9110 §8.8.3.2). */
function versionOfTag(tag: string): number | undefined {
  const match = /^"(\d{1,15})(?:-[a-z])?"$/.exec(tag.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

const tagsOf = (header: string): string[] => header.split(',').map((tag) => tag.trim()).filter(Boolean);
const preconditionFailed = (message: string) => new DavError(412, message);

/**
 * Evaluates If-Match and If-None-Match for a write (RFC 9110 §13.1.1, §13.1.2, §13.2.2): 412 when they fail.
 * The version an If-Match named is returned, so the append itself is conditional on it (a concurrent
 * change between this check and the append is a 412 too, not a lost update).
 */
export function checkPreconditions(headers: { ifMatch?: string | undefined; ifNoneMatch?: string | undefined }, current: ResourceVersion): { expectedVersion?: number } {
  const { ifMatch, ifNoneMatch } = headers;
  let expectedVersion: number | undefined;
  if (ifMatch !== undefined) {
    if (!current.exists || current.version === null) throw preconditionFailed('If-Match: the resource does not exist');
    const tags = tagsOf(ifMatch);
    const matches = tags.includes('*') || tags.some((tag) => versionOfTag(tag) === current.version);
    if (!matches) throw preconditionFailed('If-Match: the resource has changed since; fetch it again');
    expectedVersion = current.version;
  }
  if (ifNoneMatch !== undefined && current.exists) {
    const tags = tagsOf(ifNoneMatch);
    if (tags.includes('*')) throw preconditionFailed('If-None-Match: * and the resource exists');
    if (tags.some((tag) => versionOfTag(tag.replace(/^W\//, '')) === current.version)) throw preconditionFailed('If-None-Match: the resource is at that version');
  }
  return expectedVersion === undefined ? {} : { expectedVersion };
}
