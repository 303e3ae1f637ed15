import { appleICalName, caldavName, davName, type QName, type XmlElement } from '@datebook/shared-kernel/dav';
import { propertyChange } from './collectionProperties';

const element = (name: QName, text = ''): XmlElement => ({ ...name, attributes: {}, children: [], text });
const vtimezone = (tzid: string) => `BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:${tzid}\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n`;

/** What PROPPATCH and MKCALENDAR take of a collection's properties (RFC 4918 §9.2, RFC 4791 §5.2, Apple's calendar-color). */
describe('collection properties', () => {
  it('takes a name, a description, an IANA zone and a colour (Apple writes #RRGGBBAA)', () => {
    expect(propertyChange(element(davName('displayname'), '  Work '), false)).toEqual({ changes: { summary: 'Work' } });
    expect(propertyChange(element(caldavName('calendar-description'), 'Office'), false)).toEqual({ changes: { description: 'Office' } });
    expect(propertyChange(element(caldavName('calendar-description')), true)).toEqual({ changes: { description: null } });
    expect(propertyChange(element(caldavName('calendar-timezone'), vtimezone('America/New_York')), false)).toEqual({ changes: { timeZone: 'America/New_York' } });
    expect(propertyChange(element(appleICalName('calendar-color'), '#FF2968FF'), false)).toEqual({ changes: { color: '#ff2968' } });
    expect(propertyChange(element(appleICalName('calendar-color'), '#00aa00'), false)).toEqual({ changes: { color: '#00aa00' } });
    expect(propertyChange(element(appleICalName('calendar-color')), true)).toEqual({ changes: { color: null } });
  });

  it('refuses values it cannot keep (409) and properties it keeps none of (403)', () => {
    expect(propertyChange(element(davName('displayname'), ''), false)).toMatchObject({ status: 409 });
    expect(propertyChange(element(davName('displayname')), true)).toMatchObject({ status: 409 });
    expect(propertyChange(element(davName('displayname'), 'x'.repeat(201)), false)).toMatchObject({ status: 409 });
    expect(propertyChange(element(appleICalName('calendar-color'), 'red'), false)).toMatchObject({ status: 409 });
    expect(propertyChange(element(caldavName('calendar-timezone'), vtimezone('Nowhere/Atlantis')), false)).toMatchObject({ status: 409 });
    expect(propertyChange(element(appleICalName('calendar-order'), '3'), false)).toMatchObject({ status: 403 });
    expect(propertyChange(element(davName('resourcetype')), false)).toMatchObject({ status: 403 });
  });
});
