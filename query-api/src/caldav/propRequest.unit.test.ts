import { davName, DavError, parseDavXml, qname, xmlNode } from '@datebook/shared-kernel/dav';
import { PropertyTable, propfindRequestOf } from './propRequest';

const table = () => new PropertyTable()
  .set(davName('displayname'), ['Family'])
  .set(davName('current-user-privilege-set'), [xmlNode(davName('privilege'), xmlNode(davName('read')))], { allprop: false })
  .setIfPresent(davName('getetag'), null);

const namesIn = (response: ReturnType<PropertyTable['responseFor']>) =>
  'propstats' in response ? response.propstats.map((p) => [p.status, p.props.map((n) => n.name.local)]) : [];

describe('PROPFIND requests and the properties that answer them (RFC 4918 §9.1)', () => {
  it('reads prop, propname and allprop (with include); an empty body is allprop', () => {
    expect(propfindRequestOf(undefined)).toEqual({ kind: 'allprop', include: [] });
    expect(propfindRequestOf(parseDavXml('<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>'))).toEqual({ kind: 'propname' });
    const allprop = propfindRequestOf(parseDavXml('<D:propfind xmlns:D="DAV:"><D:allprop/><D:include><D:current-user-privilege-set/></D:include></D:propfind>'));
    expect(allprop).toEqual({ kind: 'allprop', include: [davName('current-user-privilege-set')] });
    expect(() => propfindRequestOf(parseDavXml('<D:propertyupdate xmlns:D="DAV:"/>'))).toThrow(DavError);
    expect(() => propfindRequestOf(parseDavXml('<D:propfind xmlns:D="DAV:"/>'))).toThrow(DavError);
  });

  it('answers what it has with 200, what it lacks with 404 (left out when minimal), each name once', () => {
    const asked = propfindRequestOf(parseDavXml('<D:propfind xmlns:D="DAV:"><D:prop><D:displayname/><D:getetag/><D:displayname/><X:x xmlns:X="urn:x"/></D:prop></D:propfind>'));
    expect(namesIn(table().responseFor('/h', asked))).toEqual([[200, ['displayname']], [404, ['getetag', 'x']]]);
    expect(namesIn(table().responseFor('/h', asked, true))).toEqual([[200, ['displayname']]]);
  });

  it('lists in allprop only what belongs there, includes what is asked, and names everything for propname', () => {
    expect(namesIn(table().responseFor('/h', { kind: 'allprop', include: [] }))).toEqual([[200, ['displayname']]]);
    expect(namesIn(table().responseFor('/h', { kind: 'allprop', include: [davName('current-user-privilege-set'), qname('urn:x', 'y')] })))
      .toEqual([[200, ['displayname', 'current-user-privilege-set']], [404, ['y']]]);
    const names = table().responseFor('/h', { kind: 'propname' });
    expect(namesIn(names)).toEqual([[200, ['displayname', 'current-user-privilege-set']]]);
    expect('propstats' in names && names.propstats[0]?.props.every((p) => (p.children ?? []).length === 0)).toBe(true);
  });
});
