import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** A broker of a test's own, started and stopped with deploy/scripts, so stopping it disturbs no other test. */
export interface LocalKafkaBroker {
  readonly brokers: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function localKafkaBroker(options: { repoRoot: string; port: number; dir: string }): LocalKafkaBroker {
  const env = { ...process.env, KAFKA_PORT: String(options.port), KAFKA_DIR: options.dir };
  const script = (name: string) =>
    new Promise<void>((resolve, reject) => {
      execFile(join(options.repoRoot, 'deploy/scripts', name), { env, timeout: 120_000 }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`${name} failed: ${stderr.trim() || error.message}`));
        else resolve();
      });
    });
  return {
    brokers: [`127.0.0.1:${options.port}`],
    async start() {
      // Share the default broker's jars instead of fetching them from Maven again.
      const sharedLibs = join(options.repoRoot, '.kafka/libs');
      const libs = join(options.dir, 'libs');
      mkdirSync(options.dir, { recursive: true });
      if (existsSync(sharedLibs) && !existsSync(libs)) symlinkSync(sharedLibs, libs);
      await script('kafka-start.sh');
    },
    stop: () => script('kafka-stop.sh'),
  };
}
