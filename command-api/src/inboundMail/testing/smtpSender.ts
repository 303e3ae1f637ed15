import nodemailer from 'nodemailer';
import { type FixtureName, fixtureMessage, type FixtureValues } from './fixtureMessage';

export type Sender = ReturnType<typeof smtpSender>;

/** A real SMTP client, as a guest's mail system is: one connection per message, no TLS (the listener is on loopback). */
export function smtpSender(port: number) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 10_000, socketTimeout: 10_000 });
  return {
    /** Sends a fixture to `to`; resolves with the server's answer to DATA, or its refusal (code and text). */
    async send(fixture: FixtureName, values: FixtureValues, to = values.REPLY_ADDRESS): Promise<{ code: number; text: string }> {
      return sendRaw(fixtureMessage(fixture, values), values.ATTENDEE, to);
    },
    async sendRaw(raw: Buffer, from: string, to: string) {
      return sendRaw(raw, from, to);
    },
    close: () => transport.close(),
  };
  async function sendRaw(raw: Buffer, from: string, to: string): Promise<{ code: number; text: string }> {
    try {
      const info = await transport.sendMail({ envelope: { from, to: [to] }, raw });
      return { code: Number(info.response.slice(0, 3)), text: info.response };
    } catch (error) {
      const { responseCode, response } = error as { responseCode?: number; response?: string };
      if (responseCode === undefined) throw error;
      return { code: responseCode, text: response ?? '' };
    }
  }
}
