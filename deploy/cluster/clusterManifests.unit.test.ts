import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// js-yaml comes with jest's own dependencies; the manifests are plain YAML 1.2 (compose merge keys included).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { safeLoad(text: string): unknown; safeLoadAll(text: string): unknown[] };

type Env = Record<string, string>;
interface ComposeService {
  command?: string[] | string;
  environment?: Env;
}
interface K8sEnv {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface K8sDoc {
  kind: string;
  metadata: { name: string };
  data?: Env;
  spec?: { template?: { spec: { containers: { name: string; command?: string[]; env?: K8sEnv[] }[] } } };
}

const compose = yaml.safeLoad(readFileSync(join(__dirname, 'compose.yaml'), 'utf8')) as { services: Record<string, ComposeService> };
const k8sDir = join(__dirname, 'k8s');
const k8s = readdirSync(k8sDir)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) => yaml.safeLoadAll(readFileSync(join(k8sDir, file), 'utf8')) as K8sDoc[]);

const datebookServices = ['command-api', 'query-api', 'relay', 'projector', 'notifier', 'gateway'];
const kafkaClients = ['relay', 'projector', 'notifier'];
const redisClients = ['command-api', 'query-api', 'projector'];

describe('compose.yaml: Redis and Kafka want credentials', () => {
  const env = (name: string) => compose.services[name]?.environment ?? {};

  it('starts Redis with requirepass from the environment, not the command line', () => {
    const redis = compose.services.redis;
    expect(redis?.environment?.REDIS_PASSWORD).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(String(redis?.command)).toContain('requirepass');
    expect(String(redis?.command)).not.toMatch(/--requirepass/);
  });

  it('gives every service a REDIS_URL carrying the password', () => {
    for (const name of datebookServices) expect(env(name).REDIS_URL).toBe('redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD}@redis:6379');
  });

  it('has Kafka accept SASL logins only, its controller on loopback', () => {
    const kafka = env('kafka');
    expect(kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).toBe('INTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT');
    expect(kafka.KAFKA_LISTENERS).toBe('INTERNAL://:9092,CONTROLLER://localhost:9093');
    expect(kafka.KAFKA_ADVERTISED_LISTENERS).not.toMatch(/PLAINTEXT:/);
    expect(kafka.KAFKA_SASL_ENABLED_MECHANISMS).toBe('PLAIN');
    expect(kafka.KAFKA_LISTENER_NAME_INTERNAL_PLAIN_SASL_JAAS_CONFIG).toMatch(/PlainLoginModule required .*user_datebook="\$\{KAFKA_PASSWORD:\?set KAFKA_PASSWORD\}";$/);
  });

  it('logs every service into Kafka with the user the broker knows', () => {
    for (const name of kafkaClients) {
      expect(env(name)).toMatchObject({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'datebook', KAFKA_SASL_PASSWORD: '${KAFKA_PASSWORD:?set KAFKA_PASSWORD}' });
    }
  });

  it('gives the services the operators token', () => {
    for (const name of datebookServices) expect(env(name).OPS_TOKEN).toMatch(/^\$\{OPS_TOKEN:\?/);
  });
});

describe('k8s: Redis and Kafka want credentials from secrets', () => {
  const deployment = (name: string) => {
    const doc = k8s.find((d) => (d.kind === 'Deployment' || d.kind === 'StatefulSet') && d.metadata.name === name);
    if (!doc?.spec?.template) throw new Error(`no workload ${name}`);
    return doc.spec.template.spec.containers[0];
  };
  const envOf = (name: string) => new Map((deployment(name)?.env ?? []).map((e) => [e.name, e]));
  const config = k8s.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'datebook')?.data ?? {};

  it('keeps no Redis URL without a password in the ConfigMap', () => {
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('runs Redis with requirepass from the secret', () => {
    expect(envOf('redis').get('REDIS_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'datebook-redis', key: 'password' });
    expect(deployment('redis')?.command?.join(' ')).toContain('requirepass');
  });

  it('builds each Redis client URL from the same secret', () => {
    for (const name of redisClients) {
      const env = [...envOf(name).keys()];
      expect(envOf(name).get('REDIS_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'datebook-redis', key: 'password' });
      expect(envOf(name).get('REDIS_URL')?.value).toBe('redis://:$(REDIS_PASSWORD)@redis:6379');
      // Kubernetes expands $(VAR) only from variables listed before it.
      expect(env.indexOf('REDIS_PASSWORD')).toBeLessThan(env.indexOf('REDIS_URL'));
    }
  });

  it('has Kafka accept SASL logins only, and every Kafka client log in', () => {
    const kafka = envOf('kafka');
    expect(kafka.get('KAFKA_LISTENER_SECURITY_PROTOCOL_MAP')?.value).toBe('INTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT');
    expect(kafka.get('KAFKA_LISTENERS')?.value).toBe('INTERNAL://:9092,CONTROLLER://localhost:9093');
    expect(kafka.get('KAFKA_LISTENER_NAME_INTERNAL_PLAIN_SASL_JAAS_CONFIG')?.value).toContain('user_datebook="$(KAFKA_CLIENT_PASSWORD)"');
    expect(config).toMatchObject({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'datebook' });
    for (const name of kafkaClients) expect(envOf(name).get('KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'datebook-kafka', key: 'client-password' });
  });
});
