/**
 * Shared shapes of the infra module: the options every public function takes and the status
 * of one datastore server.
 */
import type { ConnectionSettings } from '../config/connections.ts';

/** The three servers ticketbench needs. */
export type ServerName = 'mysql' | 'redis' | 'kafka';

/** Options of `infraStatus`, `infraUp` and `infraDown`. */
export interface InfraOptions {
  /** Where the servers are (or should be started). */
  readonly connections: ConnectionSettings;
  /**
   * Kafka data, logs, pid files and `started.json`. Default `<repo root>/.ticketbench/state`,
   * or the environment variable TICKETBENCH_STATE_DIR.
   */
  readonly stateDir?: string;
  /**
   * Downloaded Kafka jars. Default `<repo root>/.ticketbench/cache`, or the environment variable
   * TICKETBENCH_CACHE_DIR.
   */
  readonly cacheDir?: string;
  /** Receives progress lines meant for the user (one line each, no trailing newline). */
  readonly log?: (message: string) => void;
}

/** What `infraStatus` knows about one server. */
export interface ServerStatus {
  readonly name: ServerName;
  /** Redacted URL (MySQL, Redis) or comma-separated brokers (Kafka); never contains a password. */
  readonly address: string;
  readonly reachable: boolean;
  /** Server version, e.g. '10.11.19-MariaDB-0+deb12u1', '7.0.15', '3.9.1'; 'unknown' if unreachable or not knowable. */
  readonly version: string;
  /** Pid of the server when ticketbench started it (at this address) and it is still running. */
  readonly managedPid?: number;
  /** One line, only when unreachable. */
  readonly error?: string;
}

/** Result of probing one server. */
export interface ProbeResult {
  readonly reachable: boolean;
  /** 'unknown' when unreachable or not knowable. */
  readonly version: string;
  /** One line, only when unreachable. */
  readonly error?: string;
}

/** Resolved options handed to the modules that start servers. */
export interface InfraContext {
  /** Absolute; created by whoever writes into it. */
  readonly stateDir: string;
  /** Absolute. */
  readonly cacheDir: string;
  readonly log: (message: string) => void;
}
