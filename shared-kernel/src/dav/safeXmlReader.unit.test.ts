import { DavError } from './davError';
import { caldavName, davName } from './davNames';
import { parseDavXml, readDavXml } from './safeXmlReader';
import { childNamed, childrenNamed, trimmedText } from './xmlTree';

const refusal = (body: string | Buffer, limits = {}): DavError => {
  try {
    parseDavXml(body, limits);
  } catch (error) {
    if (error instanceof DavError) return error;
    throw error;
  }
  throw new Error('the body was accepted');
};

describe('parseDavXml', () => {
  it('resolves namespaces, whatever prefixes the client chose', () => {
    const root = parseDavXml(`<?xml version="1.0" encoding="utf-8"?>
      <x:propfind xmlns:x="DAV:" xmlns="urn:ietf:params:xml:ns:caldav"><x:prop><x:displayname/><calendar-description/></x:prop></x:propfind>`);
    expect(root).toMatchObject({ ns: 'DAV:', local: 'propfind' });
    const prop = childNamed(root, davName('prop'));
    expect(prop?.children.map((c) => [c.ns, c.local])).toEqual([['DAV:', 'displayname'], ['urn:ietf:params:xml:ns:caldav', 'calendar-description']]);
  });

  it('keeps unprefixed attributes and text, CDATA included', () => {
    const root = parseDavXml('<C:filter xmlns:C="urn:ietf:params:xml:ns:caldav"><C:comp-filter name="VCALENDAR"><C:time-range start="20300101T000000Z"/></C:comp-filter><C:text-match><![CDATA[a<b]]> &amp; c</C:text-match></C:filter>');
    expect(childNamed(root, caldavName('comp-filter'))?.attributes).toEqual({ name: 'VCALENDAR' });
    expect(trimmedText(childNamed(root, caldavName('text-match'))!)).toBe('a<b & c');
  });

  it('refuses any DOCTYPE before an entity could be declared, fetched or expanded (XXE)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><D:propfind xmlns:D="DAV:"><D:prop>&e;</D:prop></D:propfind>';
    expect(refusal(xxe)).toMatchObject({ status: 400 });
    expect(refusal(xxe).message).toMatch(/DOCTYPE/);
  });

  it('refuses a billion-laughs document at its DOCTYPE, in microseconds', () => {
    const entities = Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY l0 "lol">${entities}]><lolz>&l10;</lolz>`;
    const started = performance.now();
    expect(refusal(bomb)).toMatchObject({ status: 400 });
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('refuses references to entities nobody declared, and malformed documents', () => {
    expect(refusal('<D:prop xmlns:D="DAV:">&e;</D:prop>')).toMatchObject({ status: 400 });
    expect(refusal('<D:prop xmlns:D="DAV:"></D:propfind>')).toMatchObject({ status: 400 });
    expect(refusal('<a:prop/>')).toMatchObject({ status: 400 });
    expect(refusal('<a/><b/>')).toMatchObject({ status: 400 });
    expect(refusal('just text')).toMatchObject({ status: 400 });
    expect(refusal('')).toMatchObject({ status: 400 });
    expect(refusal(Buffer.from([0x3c, 0x61, 0xff, 0x3e]))).toMatchObject({ status: 400 });
    expect(refusal('<?xml version="1.0" encoding="ISO-8859-1"?><a/>')).toMatchObject({ status: 400 });
  });

  it('bounds size (413), depth and element count (400)', () => {
    expect(refusal(`<a>${'x'.repeat(1024 * 1024)}</a>`)).toMatchObject({ status: 413 });
    expect(refusal(`${'<a>'.repeat(33)}${'</a>'.repeat(33)}`)).toMatchObject({ status: 400 });
    expect(() => parseDavXml(`${'<a>'.repeat(32)}${'</a>'.repeat(32)}`)).not.toThrow();
    expect(refusal(`<a>${'<b/>'.repeat(10_000)}</a>`)).toMatchObject({ status: 400 });
    expect(childrenNamed(parseDavXml(`<a>${'<b/>'.repeat(9_999)}</a>`), { ns: '', local: 'b' })).toHaveLength(9_999);
  });

  it('refuses an element of more attributes or namespace declarations than a DAV element has, as they are read', () => {
    const declarations = (n: number) => Array.from({ length: n }, (_, i) => `xmlns:p${i}="urn:x:${i}"`).join(' ');
    expect(refusal(`<D:propfind xmlns:D="DAV:" ${declarations(64)}/>`)).toMatchObject({ status: 400, message: expect.stringContaining('more than 64 attributes') });
    expect(refusal(`<a ${Array.from({ length: 20_000 }, (_, i) => `a${i}="${i}"`).join(' ')}/>`)).toMatchObject({ status: 400 });
    expect(parseDavXml(`<D:propfind xmlns:D="DAV:" ${declarations(63)}/>`)).toMatchObject({ ns: 'DAV:', local: 'propfind' });
  });

  it('reads a body a slice at a time as it reads it whole, characters split across slices included', async () => {
    const hrefs = Array.from({ length: 3_000 }, (_, i) => `<D:href>/dav/calendars/caf\u00e9-\u{1F600}-${i}.ics</D:href>`).join('');
    const body = `<?xml version="1.0" encoding="utf-8"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">${hrefs}</C:calendar-multiget>`;
    expect(await readDavXml(Buffer.from(body))).toEqual(parseDavXml(Buffer.from(body)));
    await expect(readDavXml(`<a>${'<b/>'.repeat(10_000)}</a>`)).rejects.toMatchObject({ status: 400 });
    await expect(readDavXml('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')).rejects.toMatchObject({ status: 400 });
  });
});
