import { childNamed, childrenNamed, clarkName, davName, parseDavXml, type QName, type XmlElement } from '@datebook/shared-kernel/dav';
import type { Test } from 'supertest';
import type { TestSystem } from '../../../../deploy/src/testing/testSystem';

/** One DAV:response of a multistatus, read back: its href, its own status or its properties by status. */
export interface ReadResponse {
  href: string;
  status?: number;
  /** Clark name → the property element and the status of its propstat. */
  props: Map<string, { status: number; element: XmlElement }>;
}

const statusOf = (line: string | undefined) => Number(/^HTTP\/\d\.\d (\d{3})/.exec(line?.trim() ?? '')?.[1]);

/** A 207 body as its responses (read with the same safe reader the server uses), and its sync-token. */
export function readMultistatus(body: string): { responses: ReadResponse[]; syncToken?: string } {
  // A response is ours, not a stranger's request: read it whole, however large.
  const root = parseDavXml(body, { maxBytes: 256 * 1024 * 1024, maxElements: 10_000_000 });
  if (root.ns !== 'DAV:' || root.local !== 'multistatus') throw new Error(`not a multistatus: ${body.slice(0, 200)}`);
  const responses = childrenNamed(root, davName('response')).map((r) => {
    const props = new Map<string, { status: number; element: XmlElement }>();
    for (const propstat of childrenNamed(r, davName('propstat'))) {
      const status = statusOf(childNamed(propstat, davName('status'))?.text);
      for (const element of childNamed(propstat, davName('prop'))?.children ?? []) props.set(clarkName(element), { status, element });
    }
    const own = childNamed(r, davName('status'));
    return { href: childNamed(r, davName('href'))?.text.trim() ?? '', ...(own ? { status: statusOf(own.text) } : {}), props };
  });
  const token = childNamed(root, davName('sync-token'))?.text.trim();
  return { responses, ...(token !== undefined ? { syncToken: token } : {}) };
}

/** A property found (200) on a response, or undefined. */
export function propOf(response: ReadResponse | undefined, name: QName): XmlElement | undefined {
  const found = response?.props.get(clarkName(name));
  return found?.status === 200 ? found.element : undefined;
}

/** The hrefs inside a property (calendar-home-set, current-user-principal, …). */
export const hrefsIn = (element: XmlElement | undefined): string[] => (element ? childrenNamed(element, davName('href')).map((h) => h.text.trim()) : []);

/** The local names of a property's child elements (resourcetype, privileges, …), privileges unwrapped. */
export const childNamesIn = (element: XmlElement | undefined): string[] =>
  (element?.children ?? []).flatMap((c) => (c.local === 'privilege' ? c.children.map((p) => p.local) : [c.local]));

type Method = 'propfind' | 'report' | 'options' | 'get' | 'head';

/** DAV requests against a test system, bodies read as text whatever their type. */
export function davClient(sys: TestSystem) {
  return function dav(method: Method, path: string, options: { auth?: Record<string, string>; body?: string | Buffer; headers?: Record<string, string> } = {}): Test {
    let request = sys.http()[method](path);
    if (options.auth) request = request.set(options.auth);
    for (const [name, value] of Object.entries(options.headers ?? {})) request = request.set(name, value);
    if (options.body !== undefined) request = request.set('Content-Type', options.headers?.['Content-Type'] ?? 'application/xml; charset=utf-8').send(options.body);
    return request.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
  };
}

export const propfindBody = (...props: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/" xmlns:I="http://apple.com/ns/ical/"><D:prop>${props.join('')}</D:prop></D:propfind>`;
