import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pollUntil } from '@datebook/shared-kernel/testing';
import { type ParsedMail, simpleParser } from 'mailparser';

export interface ReceivedMail {
  file: string;
  /** When the server accepted the message (epoch ms): what a benchmark measures against. */
  receivedAt: number;
  from: string | null;
  to: string[];
}

export interface SmtpSinkOptions {
  /** Recipients matching this expression are refused with a permanent 550. */
  rejectRecipients?: RegExp;
}

/**
 * A real SMTP server (npm `smtp-server`) in a child process. `stop()` kills it and `start()` brings it
 * back on the same port, to test a mail server that goes away; messages survive both.
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'datebook-smtp-'));
  const received: ReceivedMail[] = [];
  let child: ChildProcess | undefined;
  let port = 0;

  async function start(): Promise<void> {
    if (child) return;
    const process_ = spawn(process.execPath, [join(__dirname, 'smtpSinkProcess.cjs')], {
      env: { ...process.env, NODE_OPTIONS: '', SINK_PORT: String(port), SINK_DIR: dir, SINK_REJECT: options.rejectRecipients?.source ?? '', SINK_FIRST_SEQUENCE: String(received.length) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = process_;
    const stdout = process_.stdout;
    if (!stdout) throw new Error('the SMTP sink has no stdout');
    await new Promise<void>((resolve, reject) => {
      process_.once('error', reject);
      process_.once('exit', (code) => reject(new Error(`the SMTP sink exited with ${code}`)));
      createInterface({ input: stdout }).on('line', (line) => {
        const message = JSON.parse(line) as { listening?: number; received?: ReceivedMail };
        if (message.listening !== undefined) {
          port = message.listening;
          resolve();
        }
        if (message.received) {
          received.push(message.received);
        }
      });
    });
  }

  async function stop(): Promise<void> {
    const running = child;
    if (!running) return;
    child = undefined;
    if (running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  }

  /** Resolves once at least `count` messages arrived; rejects after `timeoutMs`. */
  async function waitForCount(count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    await pollUntil(() => received.length >= count, { timeoutMs, pollMs: 10, what: () => `${count} messages arriving (got ${received.length})` });
    return received.slice();
  }

  await start();
  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    received: (): ReceivedMail[] => received.slice(),
    waitForCount,
    parse: (mail: ReceivedMail): Promise<ParsedMail> => simpleParser(readFileSync(mail.file)),
    async parsedAll(): Promise<ParsedMail[]> {
      return Promise.all(received.map((mail) => simpleParser(readFileSync(mail.file))));
    },
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;
