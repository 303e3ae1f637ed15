import type { LogPoint, StreamMark } from '../fixtures';
import type { Target } from '../loadGenerator';
import type { VisibilityProbe } from '../visibility';

export type BenchProfile = 'production' | 'embedded';

/** A process of the system whose CPU a figure is charged to. */
export interface MeteredProcess {
  name: string;
  pid: number;
}

/** A process that answers HTTP: where a figure's load goes, and whose CPU the figure is charged to. */
export interface ServiceTarget extends Target, MeteredProcess {}

/** Where a measurement's CPU may go besides the measured service (see cpuMeter.ts). */
export interface CpuSources {
  /** Every Node process of the system under test, the measured one included. */
  processes(): { name: string; pid: number }[];
  /** The PostgreSQL processes working for the bench database (its backends and the server's own). */
  pgPids(): Promise<number[]>;
  /** Those of them serving the bench itself (the visibility probe's connection): their CPU is the generator's, not the system's. */
  generatorPgPids?(): number[];
  redisPid?: number;
  kafkaPid?: number;
}

/**
 * The system under test, whichever profile runs it. Sections only talk to it through this: load goes
 * to `commands` (writes) and `queries` (reads), and "has it been projected" is asked here, because
 * the two profiles answer it differently (a checkpoint in PostgreSQL vs what the views show).
 */
export interface BenchSystem {
  profile: BenchProfile;
  /** One line for the log and the JSON: what runs where. */
  description: string;
  /** Where bookings go: the command API process (production) or the one server (embedded). */
  commands: ServiceTarget;
  /** Where reads go: the query API process (production) or the one server (embedded). */
  queries: ServiceTarget;
  /** The process that builds the read model and views: whose CPU a replay is charged to. */
  projector: MeteredProcess;
  cpu: CpuSources;
  /** How the bench sees that a write is visible to the query side (projection lag, fixtures). */
  visibility: VisibilityProbe;
  /**
   * Waits (bounded) until what was appended up to `tail` is visible where the query side reads (read
   * model and views); resolves with the ms it took.
   */
  waitUntilProjected(tail: AppendedTail, timeoutMs: number): Promise<number>;
  /**
   * Waits (bounded) until every consumer of the log (projections, notifier) has caught up with the
   * store's head, so the next measurement starts from a quiet system; resolves with the ms it took.
   */
  waitUntilQuiet(timeoutMs: number): Promise<number>;
  /** Events each reader of the log has yet to handle (the relay, then each consumer group): where a backlog sits. */
  backlog(): Promise<Record<string, number>>;
  /**
   * Production: stops the notifier process before the large load, which it would otherwise spend
   * many minutes turning into (stale, unsent) notifications. Embedded: not possible (one process).
   */
  stopNotifier?(): Promise<void>;
  /** Directories holding --cpu-prof profiles by service, once stopped (BENCH_CPU_PROF=1). */
  cpuProfiles: Record<string, string>;
  stop(): Promise<void>;
}

/** What an append left behind: the newest log point and the streams written last, with their versions. */
export interface AppendedTail {
  last: LogPoint | undefined;
  streams: StreamMark[];
}
