import { davName, qname } from './davNames';
import { needPrivileges, davErrorResponse, propfindFiniteDepth, bodyTooLarge } from './davError';
import { multistatusXml, MultistatusWriter, propstatsOf, statusLine } from './multistatus';
import { parseDavXml } from './safeXmlReader';
import { childNamed, childrenNamed } from './xmlTree';
import { escapeXmlText, xmlDocument, xmlNode } from './xmlWriter';

describe('the XML writer', () => {
  it('escapes text so any string round-trips, CRLF included; characters XML cannot carry are dropped', () => {
    const text = 'BEGIN:VCALENDAR\r\nSUMMARY:a < b & c > d "q"\r\nEND:VCALENDAR\r\n\u0001';
    const root = parseDavXml(xmlDocument(xmlNode(davName('x'), text)));
    expect(root.text).toBe(text.slice(0, -1));
    expect(escapeXmlText('\uD800x')).toBe('x');
  });

  it('declares a prefix of its own for a namespace it does not know, and xmlns="" for none', () => {
    const document = xmlDocument(xmlNode(davName('prop'), xmlNode(qname('urn:x-"odd"', 'thing')), xmlNode(qname('', 'bare'))));
    const root = parseDavXml(document);
    expect(root.children.map((c) => [c.ns, c.local])).toEqual([['urn:x-"odd"', 'thing'], ['', 'bare']]);
  });
});

describe('multistatus', () => {
  it('writes responses with propstats and bare statuses, and the sync-token last (RFC 6578 §6.4)', () => {
    const body = multistatusXml(
      [
        { href: '/dav/calendars/a/x%20y.ics', propstats: propstatsOf([xmlNode(davName('getetag'), '"3-f"')], [qname('urn:z', 'nope')]) },
        { href: '/dav/calendars/a/gone.ics', status: 404 },
      ],
      { syncToken: 'http://datebook.dev/sync/a/7' },
    );
    const root = parseDavXml(body);
    const responses = childrenNamed(root, davName('response'));
    expect(responses).toHaveLength(2);
    const [first, second] = responses;
    expect(childNamed(first!, davName('href'))?.text).toBe('/dav/calendars/a/x%20y.ics');
    const propstats = childrenNamed(first!, davName('propstat'));
    expect(propstats.map((p) => childNamed(p, davName('status'))?.text)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found']);
    expect(childNamed(childNamed(propstats[1]!, davName('prop'))!, qname('urn:z', 'nope'))).toBeDefined();
    expect(childNamed(second!, davName('status'))?.text).toBe(statusLine(404));
    expect(root.children.at(-1)).toMatchObject({ local: 'sync-token', text: 'http://datebook.dev/sync/a/7' });
  });

  it('written in chunks, is the same document', () => {
    const writer = new MultistatusWriter().open();
    let body = writer.take();
    for (let i = 0; i < 3; i++) body += writer.response({ href: `/h${i}`, status: 200 }).take();
    body += writer.close().take();
    expect(body).toBe(multistatusXml([0, 1, 2].map((i) => ({ href: `/h${i}`, status: 200 }))));
  });
});

describe('DAV error bodies', () => {
  it('name the failed condition inside DAV:error (RFC 4918 §16, RFC 3744 §7.1.1)', () => {
    const { status, contentType, body } = davErrorResponse(needPrivileges('/dav/calendars/c/', davName('bind')));
    expect(status).toBe(403);
    expect(contentType).toMatch(/^application\/xml/);
    const root = parseDavXml(body);
    expect(root).toMatchObject({ ns: 'DAV:', local: 'error' });
    const resource = childNamed(childNamed(root, davName('need-privileges'))!, davName('resource'))!;
    expect(childNamed(resource, davName('href'))?.text).toBe('/dav/calendars/c/');
    expect(childNamed(childNamed(resource, davName('privilege'))!, davName('bind'))).toBeDefined();
    expect(childNamed(parseDavXml(davErrorResponse(propfindFiniteDepth()).body), davName('propfind-finite-depth'))).toBeDefined();
  });

  it('without a condition are plain text', () => {
    expect(davErrorResponse(bodyTooLarge(10))).toMatchObject({ status: 413, contentType: 'text/plain; charset=utf-8' });
  });
});
