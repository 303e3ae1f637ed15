import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { MailDeliveryError, type MailMessage, type MailTransport } from './mailTransport';

export interface MailTransportHarness {
  transport: MailTransport;
  /** Every message the other side has accepted so far, parsed. */
  delivered(): Promise<ParsedMail[]>;
  /** Present when the adapter can be refused a recipient (SMTP): a recipient address it refuses. */
  refusedRecipient?: string;
  /** Present when the other side can go away (SMTP): take it down and bring it back. */
  outage?: { down(): Promise<void>; up(): Promise<void> };
  dispose(): Promise<void>;
}

const ICS = [
  'BEGIN:VCALENDAR',
  'PRODID:-//Datebook//Contract//EN',
  'VERSION:2.0',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:contract-1@datebook',
  'DTSTAMP:20260301T120000Z',
  'SEQUENCE:2',
  'DTSTART:20260310T090000Z',
  'DTEND:20260310T100000Z',
  'SUMMARY:Contract check',
  'ORGANIZER;CN=Ada:mailto:ada@example.com',
  'ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.com',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const message = (overrides: Partial<MailMessage> = {}): MailMessage => ({
  messageId: `<contract-${Math.random().toString(36).slice(2)}@datebook>`,
  from: 'Datebook <calendar@datebook.test>',
  to: 'bob@example.com',
  replyTo: 'ada@example.com',
  subject: 'Invitation: Contract check',
  text: 'Ada invited you. Grüße',
  html: '<p>Ada invited you. Grüße</p>',
  calendar: { method: 'REQUEST', content: ICS },
  ...overrides,
});

/** The calendar part as a client sees it: the text/calendar alternative's method and its parsed object. */
export function calendarPartOf(mail: ParsedMail): { contentType: string; method: string | undefined; calendar: ICAL.Component } | undefined {
  const part = mail.attachments.find((a) => a.contentType === 'text/calendar');
  if (!part) return undefined;
  const header = part.headers.get('content-type');
  const params = typeof header === 'object' && header !== null && 'params' in header ? (header as { params: Record<string, string> }).params : {};
  return { contentType: part.contentType, method: params.method?.toUpperCase(), calendar: new ICAL.Component(ICAL.parse(part.content.toString('utf8'))) };
}

/** One contract for every MailTransport adapter; each supplies a harness. */
export function mailTransportContract(name: string, harness: () => Promise<MailTransportHarness>): void {
  describe(`MailTransport contract: ${name}`, () => {
    let h: MailTransportHarness;
    beforeEach(async () => {
      h = await harness();
    });
    afterEach(async () => {
      await h.dispose();
    });

    test('delivers text, HTML and a text/calendar part with its method, and keeps the Message-ID', async () => {
      const sent = message();
      await h.transport.send(sent);
      const [mail, ...rest] = await h.delivered();
      expect(rest).toHaveLength(0);
      if (!mail) throw new Error('nothing delivered');
      expect(mail.messageId).toBe(sent.messageId);
      expect(mail.subject).toBe(sent.subject);
      expect(mail.text?.trim()).toBe(sent.text);
      expect(mail.html).toContain('Grüße');
      expect(mail.replyTo?.text).toBe('ada@example.com');
      const part = calendarPartOf(mail);
      expect(part?.method).toBe('REQUEST');
      expect(part?.calendar.getFirstPropertyValue('method')).toBe('REQUEST');
      expect(part?.calendar.getFirstSubcomponent('vevent')?.getFirstPropertyValue('uid')).toBe('contract-1@datebook');
    });

    test('a message without calendar part carries none', async () => {
      const { calendar: _none, ...plain } = message({ subject: 'Reminder: Contract check' });
      await h.transport.send(plain);
      const [mail] = await h.delivered();
      expect(mail?.subject).toBe('Reminder: Contract check');
      expect(mail && calendarPartOf(mail)).toBeUndefined();
    });

    test('a refused recipient is a permanent failure', async () => {
      if (h.refusedRecipient === undefined) return expect(h.refusedRecipient).toBeUndefined();
      const failure = await h.transport.send(message({ to: h.refusedRecipient })).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MailDeliveryError);
      expect((failure as MailDeliveryError).permanent).toBe(true);
    });

    test('an unreachable server is a temporary failure, and the same transport works once it is back', async () => {
      if (!h.outage) return expect(h.outage).toBeUndefined();
      await h.outage.down();
      const failure = await h.transport.send(message()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MailDeliveryError);
      expect((failure as MailDeliveryError).permanent).toBe(false);
      await h.outage.up();
      await h.transport.send(message({ subject: 'after the outage' }));
      expect((await h.delivered()).map((m) => m.subject)).toContain('after the outage');
    });

    test('no send is accepted after close', async () => {
      await h.transport.close();
      await expect(h.transport.send(message())).rejects.toBeInstanceOf(MailDeliveryError);
    });
  });
}
