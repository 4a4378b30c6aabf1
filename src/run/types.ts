/**
 * The report of one `ticketbench run`: settings, machine, what the load phase measured and the
 * check verdicts. Written as JSON and rendered as markdown by src/report; shown live by src/ui.
 */
import type { EventEmitter } from 'node:events';
import type { CheckResult, Verdict } from '../checks/types.ts';
import type { LoadSummary, ProgressSnapshot } from '../engine/types.ts';

/** Where the run executed; load generator and target share it when `targetSharesMachine`. */
export interface MachineInfo {
  readonly hostname: string;
  readonly os: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly ticketbench: string;
  /** Server versions as reported by the servers, e.g. `10.11.19-MariaDB`; `unknown` when not known. */
  readonly mysql: string;
  readonly redis: string;
  readonly kafka: string;
}

/** The outcome of one k6-style threshold, e.g. `http_req_duration{name:hold}:p(95)<50`. */
export interface ThresholdResult {
  /** As written by the user or scenario. */
  readonly expression: string;
  /** Where it came from. */
  readonly source: 'cli' | 'scenario';
  /** The measured value the condition was evaluated on (ms for durations, 0..1 for rates); null when there was no sample. */
  readonly actual: number | null;
  readonly passed: boolean;
  /** Whether a breach stops the run early (k6 `abortOnFail`). */
  readonly abortOnFail: boolean;
  /** The comparison and the number `actual` is compared with (in `unit`), as parsed from `expression`. */
  readonly operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  readonly limit: number;
  /** `ms` (durations), `ratio` (0..1), `count`, or `per-second` (a counter's rate over the load phase). */
  readonly unit: 'ms' | 'ratio' | 'count' | 'per-second';
  /** abortOnFail only: ms into the load phase when a live evaluation found it breached and stopped the load. */
  readonly breachedAtMs?: number;
}

/**
 * What the servers counted during the run: deltas of MySQL global status counters and of the
 * target's Prometheus counters between before and after the load, plus ratios per reservation.
 */
export interface ObservedDeltas {
  /**
   * MySQL `SHOW GLOBAL STATUS` differences over the load (server-wide: other clients count too),
   * e.g. `{ Queries: 1234, Com_select: 456, Innodb_row_lock_waits: 3 }`, plus the sampled maximum
   * `Threads_connected_max`.
   */
  readonly mysql: Readonly<Record<string, number>>;
  /**
   * Non-zero differences of the target's counters (histograms by `_count` / `_sum`), keyed by
   * series as Prometheus writes it with labels sorted, e.g.
   * `{ 'seat_lock_acquisitions_total{result="busy"}': 79, outbox_published_total: 1 }`.
   */
  readonly target: Readonly<Record<string, number>>;
  /** Ratios per request sent and per sale (acknowledged payment), e.g. `{ mysqlQueriesPerSale: 139, mysqlQueriesPerRequest: 1.7 }`. */
  readonly perReservation: Readonly<Record<string, number>>;
  /** Why something could not be observed (e.g. `/metrics` unreachable), one line each. */
  readonly notes: readonly string[];
}

/** The full record of a run. */
export interface RunReport {
  /** Report format version. */
  readonly format: 1;
  readonly scenario: string;
  readonly description: string;
  /** Scenario options after defaults, e.g. `{ vus: 80, seats: 1 }`. */
  readonly options: Readonly<Record<string, string | number | boolean>>;
  /** Connection settings with passwords redacted, plus the target's base URL. */
  readonly connections: { readonly mysql: string; readonly redis: string; readonly kafka: string; readonly target: string };
  /** True when the bundled target ran as a child process on this machine. */
  readonly targetSharesMachine: boolean;
  /** Servers `infra up` started for this run (e.g. `kafka`). */
  readonly infraStarted: readonly string[];
  readonly machine: MachineInfo;
  /** Ids of the data the run created (concert, schedule), so runs never collide. */
  readonly fixture: Readonly<Record<string, number | string>>;
  readonly load: LoadSummary;
  /**
   * Figures the scenario derives from its history, e.g. `{ seatsSold: 1000, attemptsPerSale: 1.8,
   * sellOutMs: 5200, targetRetries: 12 }`; names in camelCase, units in the name (`…Ms`).
   */
  readonly results: Readonly<Record<string, number | string>>;
  readonly checks: readonly CheckResult[];
  /** Check verdict (correctness), composed from `checks`. */
  readonly verdict: Verdict;
  /** Threshold outcomes (speed), judged separately from the checks. */
  readonly thresholds: readonly ThresholdResult[];
  /** Set when the run stopped early: a threshold with abortOnFail, or an interrupt. */
  readonly aborted?: { readonly reason: string };
  /** Server-side counters over the run; absent when not observed. */
  readonly observed?: ObservedDeltas;
  readonly startedAt: string;
  readonly endedAt: string;
}

/** Phases of a run, in order. */
export type RunPhase = 'infra' | 'target' | 'setup' | 'load' | 'checks' | 'report';

/** Events a run emits; the Ink UI and the plain printer only listen. */
export interface RunEventMap {
  /** A phase began; `detail` says what is happening, e.g. `starting kafka`. */
  phase: [phase: RunPhase, detail: string];
  /** Something the user should know (e.g. `started kafka (pid 1234)`). */
  notice: [message: string];
  progress: [snapshot: ProgressSnapshot];
  check: [result: CheckResult];
  done: [report: RunReport, paths: { readonly json: string; readonly markdown: string }];
}

export type RunEmitter = EventEmitter<RunEventMap>;
