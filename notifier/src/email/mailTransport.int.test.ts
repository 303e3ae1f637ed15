import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { startSmtpSink } from '../testing/smtpSink';
import { emlFileMailTransport } from './emlFileMailTransport';
import { mailTransportContract } from './mailTransport.contract';
import { smtpMailTransport } from './smtpMailTransport';

mailTransportContract('SMTP (nodemailer → smtp-server child process)', async () => {
  const sink = await startSmtpSink({ rejectRecipients: /^nobody@/ });
  const transport = smtpMailTransport(sink.url, { timeoutMs: 2_000 });
  return {
    transport,
    delivered: () => sink.parsedAll(),
    refusedRecipient: 'nobody@example.com',
    outage: { down: () => sink.stop(), up: () => sink.start() },
    async dispose() {
      await transport.close();
      await sink.close();
    },
  };
});

mailTransportContract('.eml files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'datebook-eml-'));
  const transport = emlFileMailTransport(dir, pino({ level: 'silent' }));
  return {
    transport,
    delivered: () => Promise.all(readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().map((f) => simpleParser(readFileSync(join(dir, f))))),
    async dispose() {
      await transport.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
