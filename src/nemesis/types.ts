/**
 * The nemesis's vocabulary (Jepsen's word for the process that injects faults): a fault is a
 * module with `start` and `heal`, run on a schedule during the load, and what it did becomes a
 * row of the report's timeline.
 */
import type { ConnectionSettings } from '../config/connections.ts';
import type { RunningTarget } from '../target/launch.ts';
import type { LinkProxy } from './link-proxy.ts';

/** What a fault may act on: only what ticketbench started, and servers on this machine's loopback. */
export interface NemesisContext {
  /** The target instances ticketbench started (a run driving `--target-url` has none). */
  readonly targets: readonly RunningTarget[];
  readonly connections: ConnectionSettings;
  /** The service's database name (its MySQL connections are the ones killed). */
  readonly database: string;
  /** The state folder of the servers ticketbench started (their pids). */
  readonly stateDir: string;
  /** The relays on the target instances' links to MySQL and Redis, when a fault needs them (`needsLinks`). */
  readonly links?: readonly LinkProxy[];
  /** How long each fault lasts, ms (the schedule's FAULT). */
  readonly faultMs: number;
  /** Picks an index in [0, n) from the run's seeded random stream. */
  pick(n: number): number;
}

/** One fault in force: what it hit and what it saw, and how to heal it. */
export interface ActiveFault {
  /** What was hit, e.g. `http://127.0.0.1:4021 (pid 1234)`, `redis 127.0.0.1:6379`. */
  readonly target: string;
  /** What was done and observed, e.g. `SIGSTOP; process state T (stopped)`. */
  readonly detail: string;
  /** Undoes the fault; returns what was observed (e.g. `restarted as pid 1240`). */
  heal(): Promise<string>;
}

/** What a fault's availability depends on. */
export interface FaultRun {
  /** True when ticketbench starts the target instances (not with `--target-url`). */
  readonly startsTargets: boolean;
  /** True for the bundled target, false for another profile's service; undefined before the profile is loaded. */
  readonly bundled?: boolean;
}

/** A kind of fault. */
export interface Fault {
  readonly name: string;
  /** One line for `--help` and the docs. */
  readonly description: string;
  /** True when it acts through relays on the target's links to MySQL and Redis (started before the targets). */
  readonly needsLinks?: boolean;
  /**
   * Why the fault cannot run in a run like this (e.g. a target fault needs instances ticketbench
   * starts), or undefined when it can.
   */
  unavailable(run: FaultRun): string | undefined;
  /** Injects the fault. */
  start(context: NemesisContext): Promise<ActiveFault>;
}
