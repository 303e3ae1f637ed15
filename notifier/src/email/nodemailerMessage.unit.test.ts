import nodemailer from 'nodemailer';
import { toNodemailer } from './nodemailerMessage';

const ICS = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Datebook//Test//EN', 'METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:1@datebook', 'DTSTAMP:20300101T000000Z', 'DTSTART:20300102T090000Z', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

test('an iMIP message has exactly one text/calendar part with its method, and the invite.ics attachment once (RFC 6047 §2.4)', async () => {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const sent = await composer.sendMail(toNodemailer({ messageId: '<1@datebook>', from: 'Datebook <calendar@datebook.invalid>', to: 'ann@example.com', subject: 'Invitation', text: 'Hi', html: '<p>Hi</p>', calendar: { method: 'REQUEST', content: ICS } }));
  const raw = (sent.message as Buffer).toString('utf8');
  const contentTypes = [...raw.matchAll(/^Content-Type: ([^;\r\n]+)(.*)$/gim)].map((m) => [m[1]?.toLowerCase(), m[2]]);
  expect(contentTypes.filter(([type]) => type === 'text/calendar')).toEqual([['text/calendar', expect.stringMatching(/method=REQUEST/)]]);
  expect(raw.match(/filename=.?invite\.ics/g)).toHaveLength(1);
});
