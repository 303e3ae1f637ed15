// A throw-away SMTP server in its own process, so tests can stop and restart "the mail server".
// Settings arrive by environment: SINK_PORT (0 = any), SINK_DIR (where messages are written),
// SINK_REJECT (a regular expression: matching recipients get a permanent 550).
// It reports on stdout, one JSON object per line: {"listening": port} and {"received": {...}}.
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { SMTPServer } = require('smtp-server');

const dir = process.env.SINK_DIR;
const reject = process.env.SINK_REJECT ? new RegExp(process.env.SINK_REJECT, 'i') : undefined;
let sequence = Number(process.env.SINK_FIRST_SEQUENCE || '0');

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 10 * 1024 * 1024,
  onRcptTo(address, _session, callback) {
    if (reject && reject.test(address.address)) {
      const error = new Error('5.1.1 no such mailbox here');
      error.responseCode = 550;
      return callback(error);
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const receivedAt = Date.now();
      sequence += 1;
      const file = join(dir, `${process.pid}-${sequence}.eml`);
      writeFileSync(file, Buffer.concat(chunks));
      const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null, to: session.envelope.rcptTo.map((r) => r.address) };
      process.stdout.write(`${JSON.stringify({ received: { file, receivedAt, ...envelope } })}\n`);
      callback(null, `250 queued as ${sequence}`);
    });
  },
});
server.listen(Number(process.env.SINK_PORT || '0'), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ listening: server.server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
