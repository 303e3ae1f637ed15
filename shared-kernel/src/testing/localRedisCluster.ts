import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** A Redis Cluster of three masters started by deploy/scripts/redis-cluster-ensure.sh, as the scale-out profile runs it. */
export interface LocalRedisCluster {
  /** `host:port` of each master, as REDIS_CLUSTER_NODES takes them. */
  readonly nodes: string[];
  /** Starts the nodes and creates the cluster if needed; fast when it is up already. */
  ensure(): Promise<void>;
  /** Stops the nodes and removes their files: for a cluster of a test's own only (`ports` and `dir` given). */
  destroy(): Promise<void>;
}

/** The project's cluster (ports 7001–7003, the tests share it as they share Redis), or one of a test's own. */
export function localRedisCluster(options: { repoRoot: string; ports?: number[]; dir?: string }): LocalRedisCluster {
  const ports = options.ports ?? [7001, 7002, 7003];
  const env = { ...process.env, REDIS_CLUSTER_PORTS: ports.join(','), ...(options.dir ? { REDIS_CLUSTER_DIR: options.dir } : {}) };
  const script = (name: string, extra: Record<string, string> = {}) =>
    new Promise<void>((resolve, reject) => {
      execFile(join(options.repoRoot, 'deploy/scripts', name), { env: { ...env, ...extra }, timeout: 60_000 }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`${name} failed: ${stderr.trim() || error.message}`));
        else resolve();
      });
    });
  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`),
    ensure: () => script('redis-cluster-ensure.sh'),
    async destroy() {
      if (!options.dir) throw new Error('only a cluster of a test’s own (with its own dir) is destroyed');
      await script('redis-cluster-stop.sh', { REDIS_CLUSTER_RESET: '1' });
    },
  };
}
