import { calendarPartOf } from './calendarPart';
import { ItipReadError, readItipMessage } from './itipReplyReader';
import { type FixtureName, fixtureMessage } from './testing/fixtureMessage';

const values = {
  REPLY_ADDRESS: 'reply+abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst@inbound.example.test',
  ATTENDEE: 'Bob.Smith@Example.com',
  UID: '0f3a2c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b@datebook',
  SEQUENCE: 3,
  RECURRENCE_ID: '20300610T100000',
  RECURRENCE_END: '20300610T110000',
};

const readFixture = async (name: FixtureName) => {
  const calendar = await calendarPartOf(fixtureMessage(name, values));
  if (calendar === undefined) throw new Error(`${name} has no calendar part`);
  return readItipMessage(calendar);
};

describe('reading the calendar part of answers as clients send them', () => {
  it.each<[FixtureName, string]>([
    ['thunderbird-accept', 'ACCEPTED'],
    ['outlook-accept', 'ACCEPTED'],
    ['gmail-tentative', 'TENTATIVE'],
  ])('%s: METHOD:REPLY, one VEVENT with the UID, SEQUENCE and the one attendee (nested VALARM attendees are not the event’s)', async (name, partstat) => {
    expect(await readFixture(name)).toMatchObject({
      method: 'REPLY',
      events: [{ uid: values.UID, sequence: 3, recurrenceID: null, attendees: [{ address: 'bob.smith@example.com', partstat }] }],
    });
  });

  it('Thunderbird’s answer for one occurrence carries its RECURRENCE-ID with the zone', async () => {
    const message = await readFixture('thunderbird-occurrence-decline');
    expect(message.events[0]?.recurrenceID).toEqual({ value: '20300610T100000', tzid: 'Europe/Berlin', date: false });
    expect(message.events[0]?.attendees).toEqual([{ address: 'bob.smith@example.com', partstat: 'DECLINED' }]);
  });

  it('Outlook’s proposal of a new time is METHOD:COUNTER', async () => {
    expect((await readFixture('outlook-counter')).method).toBe('COUNTER');
  });

  it('a message with no calendar part has none', async () => {
    const plain = Buffer.from('From: a@example.com\r\nTo: b@example.com\r\nSubject: thanks\r\n\r\nSee you there!\r\n');
    expect(await calendarPartOf(plain)).toBeUndefined();
  });

  it('unfolds lines, reads quoted parameter values holding ":" and ";", and a VALUE=DATE RECURRENCE-ID', () => {
    const text = [
      'BEGIN:VCALENDAR', 'METHOD:reply', 'BEGIN:VEVENT', 'UID:abc', 'RECURRENCE-ID;VALUE=DATE:20300610',
      'ATTENDEE;CN="Smith; Bob: the one";PARTSTAT=declined:MAILTO:bob%40example.com', 'END:VEVENT', 'END:VCALENDAR',
    ].join('\r\n');
    expect(readItipMessage(text)).toMatchObject({
      method: 'REPLY',
      events: [{ uid: 'abc', sequence: 0, recurrenceID: { value: '20300610', tzid: null, date: true }, attendees: [{ address: 'bob@example.com', partstat: 'DECLINED' }] }],
    });
  });

  it.each([
    ['no calendar at all', 'hello'],
    ['an unclosed component', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR'],
    ['a SEQUENCE that is no number', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSEQUENCE:two\r\nEND:VEVENT\r\nEND:VCALENDAR'],
    ['an unclosed quote', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATTENDEE;CN="Bob:mailto:b@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR'],
    ['too many VEVENTs', `BEGIN:VCALENDAR\r\n${'BEGIN:VEVENT\r\nEND:VEVENT\r\n'.repeat(21)}END:VCALENDAR`],
  ])('refuses %s', (_what, text) => {
    expect(() => readItipMessage(text)).toThrow(ItipReadError);
  });

  it('reads a long line of many parameters in linear time, and refuses one over 64 KiB', () => {
    const params = ';X-P=v'.repeat(10_000);
    const started = performance.now();
    const message = readItipMessage(`BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATTENDEE${params}:mailto:a@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR`);
    expect(message.events[0]?.attendees).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(() => readItipMessage(`BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nX-LONG:${'x'.repeat(70_000)}\r\nEND:VEVENT\r\nEND:VCALENDAR`)).toThrow(ItipReadError);
  });
});
