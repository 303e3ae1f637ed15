import { STATUS_CODES } from 'node:http';
import { davName, type QName } from './davNames';
import { escapeXmlText, ROOT_NAMESPACE_DECLARATIONS, XML_DECLARATION, XmlFragmentWriter, xmlNode, type XmlNode } from './xmlWriter';

/** Properties sharing one status inside a response (RFC 4918 §14.22). */
export interface PropStat {
  status: number;
  props: XmlNode[];
}

/**
 * One DAV:response (RFC 4918 §14.24): a resource's properties grouped by status, or a status for the
 * resource itself (RFC 6578 §3.5.2: a member removed since the sync-token is `<D:status>HTTP/1.1 404 Not Found`).
 */
export type MultistatusResponse =
  | { href: string; propstats: PropStat[] }
  | { href: string; status: number };

/** `HTTP/1.1 404 Not Found` (RFC 4918 §14.28: a status-line). */
export const statusLine = (status: number): string => `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`;

/**
 * Propstats for what was found and what was not: the missing names come back as empty elements
 * with 404 (RFC 4918 §9.1: "a 404 for properties that do not exist"). Empty groups are left out.
 */
export function propstatsOf(found: XmlNode[], missing: QName[] = [], forbidden: QName[] = []): PropStat[] {
  const propstats: PropStat[] = [];
  if (found.length > 0) propstats.push({ status: 200, props: found });
  if (missing.length > 0) propstats.push({ status: 404, props: missing.map((name) => xmlNode(name)) });
  if (forbidden.length > 0) propstats.push({ status: 403, props: forbidden.map((name) => xmlNode(name)) });
  return propstats;
}

/**
 * A 207 Multi-Status body written piece by piece (RFC 4918 §13): `open()`, then `response()` for each
 * resource (a caller with many yields to the event loop between chunks, taking what is written so far
 * with `take()`), then `close(syncToken?)` (RFC 6578 §6.4: the sync-token follows the responses).
 */
export class MultistatusWriter {
  private readonly writer = new XmlFragmentWriter();

  open(): this {
    this.writer.raw(`${XML_DECLARATION}<D:multistatus${ROOT_NAMESPACE_DECLARATIONS}>`);
    return this;
  }

  response(response: MultistatusResponse): this {
    const w = this.writer;
    w.raw(`<D:response><D:href>${escapeXmlText(response.href)}</D:href>`);
    if ('status' in response) {
      w.raw(`<D:status>${statusLine(response.status)}</D:status>`);
    } else {
      for (const { status, props } of response.propstats) {
        w.raw('<D:propstat><D:prop>');
        for (const prop of props) w.node(prop);
        w.raw(`</D:prop><D:status>${statusLine(status)}</D:status></D:propstat>`);
      }
    }
    w.raw('</D:response>');
    return this;
  }

  close(syncToken?: string): this {
    if (syncToken !== undefined) this.writer.raw(`<D:sync-token>${escapeXmlText(syncToken)}</D:sync-token>`);
    this.writer.raw('</D:multistatus>\n');
    return this;
  }

  /** What was written since the last take. */
  take(): string {
    return this.writer.take();
  }
}

/** A whole multistatus body at once (small answers: PROPFIND, multiget of a few). */
export function multistatusXml(responses: Iterable<MultistatusResponse>, options: { syncToken?: string } = {}): string {
  const writer = new MultistatusWriter().open();
  for (const response of responses) writer.response(response);
  return writer.close(options.syncToken).take();
}

/** `<D:href>` elements, for properties whose value is a list of URLs (calendar-home-set, principal-URL, …). */
export const hrefNodes = (...hrefs: string[]): XmlNode[] => hrefs.map((href) => xmlNode(davName('href'), href));
