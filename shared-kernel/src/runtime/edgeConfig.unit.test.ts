import { z } from 'zod';
import { kafkaSaslOf } from '../ports/eventSource/kafkaConnection';
import { readConfig, serviceConfig } from './config';

const Config = z.object(serviceConfig);
const base = { JWT_SECRET: 'x'.repeat(32) };

describe('service config: the HTTP edge and Kafka SASL', () => {
  it('reads OPS_TOKEN and CORS_ORIGINS; no origin and no operator by default', () => {
    const defaults = readConfig(Config, base);
    expect(defaults.CORS_ORIGINS).toEqual([]);
    expect(defaults.OPS_TOKEN).toBeUndefined();
    const config = readConfig(Config, { ...base, OPS_TOKEN: 'o'.repeat(32), CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' });
    expect(config).toMatchObject({ OPS_TOKEN: 'o'.repeat(32), CORS_ORIGINS: ['https://app.example.com', 'http://localhost:5173'] });
  });

  it('stops on a short operator token or an origin that is not an http(s) URL, naming the key', () => {
    expect(() => readConfig(Config, { ...base, OPS_TOKEN: 'short' })).toThrow(/OPS_TOKEN/);
    expect(() => readConfig(Config, { ...base, CORS_ORIGINS: 'app.example.com' })).toThrow(/CORS_ORIGINS/);
    expect(() => readConfig(Config, { ...base, KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });

  it('turns KAFKA_SASL_* into the connection’s sasl, and refuses a mechanism without credentials', () => {
    expect(kafkaSaslOf(readConfig(Config, base))).toBeUndefined();
    const config = readConfig(Config, { ...base, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'datebook', KAFKA_SASL_PASSWORD: 'secret' });
    expect(kafkaSaslOf(config)).toEqual({ mechanism: 'scram-sha-512', username: 'datebook', password: 'secret' });
    expect(() => kafkaSaslOf(readConfig(Config, { ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'datebook' }))).toThrow('KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM');
  });
});
