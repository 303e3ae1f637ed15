import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import type { LogPoint } from '../fixtures';

/**
 * How far the production profile's log readers have got on the bench's topic: the relay by its
 * checkpoint in PostgreSQL (`relay_checkpoints`, keyed by topic), each consumer group by its committed
 * offsets against the partitions' high watermarks (the event source commits a chunk's offsets only
 * after its handler resolved, so lag 0 means every event was projected).
 */
export interface KafkaProgress {
  relayCheckpoint(): Promise<LogPoint | null>;
  /** Events of the topic each group has not handled yet. */
  lag(groups: string[]): Promise<Record<string, number>>;
  /** Of `groups`, those with live members (of any topic: group ids are per broker, not per topic). */
  activeGroups(groups: string[]): Promise<string[]>;
  deleteTopic(): Promise<void>;
  close(): Promise<void>;
}

export async function openKafkaProgress(options: { brokers: string[]; topic: string; pool: Pool }): Promise<KafkaProgress> {
  const kafka = new Kafka({ clientId: 'datebook-bench', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const admin: Admin = kafka.admin();
  await admin.connect();
  const { topic, pool } = options;
  return {
    async relayCheckpoint() {
      const { rows } = await pool.query<{ t: string; p: string }>(
        'select transaction_id::text as t, position::text as p from relay_checkpoints where relay_name = $1',
        [topic],
      );
      return rows[0] ? { transactionId: rows[0].t, position: rows[0].p } : null;
    },
    async lag(groups) {
      const highs = await admin.fetchTopicOffsets(topic);
      const out: Record<string, number> = {};
      for (const groupId of groups) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
        out[groupId] = highs.reduce((sum, h) => sum + Math.max(0, Number(h.high) - (at.get(h.partition) ?? 0)), 0);
      }
      return out;
    },
    async activeGroups(groups) {
      const { groups: described } = await admin.describeGroups(groups);
      return described.filter((g) => g.members.length > 0).map((g) => g.groupId);
    },
    async deleteTopic() {
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
    },
    async close() {
      await admin.disconnect();
    },
  };
}
