/**
 * The record of one `ticketbench run`, declared once: each zod schema below is both the check a
 * saved report is read back through (`ticketbench report`, src/report/run-schema.ts) and, through
 * `z.infer`, the TypeScript type every writer builds, so writing a report and reading it back
 * cannot drift. The engine, the checks, the thresholds and the observer produce parts of it; the
 * orchestrator (src/run) assembles it; src/report renders it.
 *
 * Units: latencies in milliseconds (recorded in microseconds in HDR histograms), rates in
 * requests per second (TPS), durations in ms, times as ISO-8601 strings.
 */
import { z } from 'zod';

/** Latency percentiles of a set of requests, milliseconds. */
export const latencySummarySchema = z
  .object({
    count: z.number(),
    minMs: z.number(),
    meanMs: z.number(),
    p50Ms: z.number(),
    p90Ms: z.number(),
    p95Ms: z.number(),
    p99Ms: z.number(),
    maxMs: z.number(),
  })
  .readonly();
/** Latency percentiles of a set of requests, milliseconds. */
export type LatencySummary = z.infer<typeof latencySummarySchema>;

/**
 * HTTP answers by class. `conflict` is 409 (a lost race, expected under contention); `error` is
 * every other non-2xx answer plus timeouts and connection errors.
 */
export const statusCountsSchema = z
  .object({
    ok: z.number(),
    conflict: z.number(),
    error: z.number(),
    /** Per HTTP status code, or an error code such as `timeout` / `ECONNREFUSED`. */
    byStatus: z.record(z.string(), z.number()).readonly(),
  })
  .readonly();
/** HTTP answers by class; see statusCountsSchema. */
export type StatusCounts = z.infer<typeof statusCountsSchema>;

/** One stage of `ramping-arrival-rate`: ramp linearly to `target` iterations per time unit over `durationMs`. */
export const rateStageSchema = z.object({ target: z.number(), durationMs: z.number() }).readonly();
/** One stage of `ramping-arrival-rate`; see rateStageSchema. */
export type RateStage = z.infer<typeof rateStageSchema>;

/** k6 executor settings, normalised (source: k6 `lib/executor`). */
export const executorConfigSchema = z.discriminatedUnion('executor', [
  /** A fixed number of iterations shared by all VUs (k6 `shared-iterations`); `maxDurationMs` is the hard stop. */
  z.object({ executor: z.literal('shared-iterations'), vus: z.number(), iterations: z.number(), maxDurationMs: z.number() }).readonly(),
  /** A fixed number of VUs looping for `durationMs` (k6 `constant-vus`). */
  z.object({ executor: z.literal('constant-vus'), vus: z.number(), durationMs: z.number() }).readonly(),
  /**
   * Open model: `rate` iterations start every `timeUnitMs`, whether or not earlier ones have
   * finished (k6 `constant-arrival-rate`). `preAllocatedVUs` are created before the start; more
   * are created on demand up to `maxVUs`, and an iteration finding none free is dropped.
   */
  z
    .object({
      executor: z.literal('constant-arrival-rate'),
      rate: z.number(),
      timeUnitMs: z.number(),
      durationMs: z.number(),
      preAllocatedVUs: z.number(),
      maxVUs: z.number(),
    })
    .readonly(),
  /**
   * Open model whose rate (iterations per `timeUnitMs`) starts at `startRate` and ramps linearly
   * to each stage's target in turn (k6 `ramping-arrival-rate`).
   */
  z
    .object({
      executor: z.literal('ramping-arrival-rate'),
      startRate: z.number(),
      timeUnitMs: z.number(),
      stages: z.array(rateStageSchema).readonly(),
      preAllocatedVUs: z.number(),
      maxVUs: z.number(),
    })
    .readonly(),
]);
/** k6 executor settings, normalised; see executorConfigSchema. */
export type ExecutorConfig = z.infer<typeof executorConfigSchema>;

/** ok / fail / info counts of one operation name in the history. */
export const opCountsSchema = z.object({ ok: z.number(), fail: z.number(), info: z.number() });

/** What the load phase measured. */
/**
 * What one target instance did during the load; times in ms since the load started: the first and
 * last request it did not answer at all, and its first answer after that (when it came back).
 */
export const instanceFiguresSchema = z
  .object({
    url: z.string(),
    /** Requests it answered (any status). */
    answered: z.number(),
    /** Requests it did not answer (timeout, refused, reset). */
    unanswered: z.number(),
    firstErrorMs: z.number().optional(),
    lastErrorMs: z.number().optional(),
    backAtMs: z.number().optional(),
  })
  .readonly();
/** One target instance's figures; see instanceFiguresSchema. */
export type InstanceFigures = z.infer<typeof instanceFiguresSchema>;

export const loadSummarySchema = z
  .object({
    executor: executorConfigSchema,
    startedAt: z.string(),
    durationMs: z.number(),
    iterations: z.object({ completed: z.number(), failed: z.number() }).readonly(),
    /**
     * Scheduled iterations that were not started because all `maxVUs` VUs were busy (k6
     * `dropped_iterations`); never queued. Always 0 for the closed-model executors.
     */
    droppedIterations: z.number(),
    requests: z.number(),
    /** requests / duration in seconds. */
    tps: z.number(),
    latency: latencySummarySchema,
    /** Per request name (e.g. `hold`, `pay`). */
    latencyByName: z.record(z.string(), latencySummarySchema).readonly(),
    /**
     * Arrival-rate executors only: latency measured from when each request was *intended* to
     * start (coordinated-omission corrected, as wrk2 reports it): the iteration's scheduled start
     * for its first request, the previous request's completion for the later ones. `latency`
     * stays send → response.
     */
    latencyCorrected: latencySummarySchema.optional(),
    /** Arrival-rate executors only: `latencyCorrected` per request name. */
    latencyCorrectedByName: z.record(z.string(), latencySummarySchema).readonly().optional(),
    status: statusCountsSchema,
    /** Per operation name: ok / fail / info counts from the history. */
    ops: z.record(z.string(), opCountsSchema).readonly(),
    /** Per target instance: what it answered, and when it stopped answering and came back (absent in older reports). */
    instances: z.array(instanceFiguresSchema).readonly().optional(),
    /** Requests completed in each second of the run (index = second). */
    tpsSeries: z.array(z.number()).readonly(),
    /** Latency percentiles of the requests completed in each second (index = second), ms. */
    latencySeries: z
      .array(z.object({ count: z.number(), p50Ms: z.number(), p95Ms: z.number(), p99Ms: z.number() }).readonly())
      .readonly()
      .optional(),
    /** Latency distribution of all requests: counts per bucket [fromMs, toMs). */
    latencyDistribution: z
      .array(z.object({ fromMs: z.number(), toMs: z.number(), count: z.number() }).readonly())
      .readonly()
      .optional(),
  })
  .readonly();
/** What the load phase measured; see loadSummarySchema. */
export type LoadSummary = z.infer<typeof loadSummarySchema>;

/**
 * The nemesis of a run: its faults, schedule (ms) and seed (`--nemesis-seed` replays it), and one
 * row per fault injected, with times in ms since the load started, the operations that went
 * `info` while it was in force, and how long after its heal the first operation succeeded.
 */
export const nemesisReportSchema = z
  .object({
    faults: z.array(z.string()).readonly(),
    schedule: z.object({ afterMs: z.number(), faultMs: z.number(), healMs: z.number() }).readonly(),
    seed: z.number(),
    timeline: z
      .array(
        z
          .object({
            fault: z.string(),
            target: z.string(),
            startMs: z.number(),
            endMs: z.number(),
            detail: z.string(),
            opsInfo: z.number(),
            firstOkAfterHealMs: z.number().nullable(),
          })
          .readonly(),
      )
      .readonly(),
  })
  .readonly();
/** The nemesis of a run; see nemesisReportSchema. */
export type NemesisReport = z.infer<typeof nemesisReportSchema>;

/** A checker's verdict (Jepsen's valid? true / false / :unknown). */
export const verdictSchema = z.enum(['pass', 'fail', 'unknown', 'skipped']);
/** A checker's verdict: `pass`, `fail`, or `unknown` when it could not decide. */
export type Verdict = z.infer<typeof verdictSchema>;

/** One evidence row: a flat record, printed as a table row. */
export const evidenceRowSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).readonly();
/** One evidence row; see evidenceRowSchema. */
export type EvidenceRow = z.infer<typeof evidenceRowSchema>;

/** The outcome of one check. */
export const checkResultSchema = z
  .object({
    /** Stable id, e.g. `double-booking`. */
    id: z.string(),
    /** Human title, e.g. `No double booking in MySQL`. */
    title: z.string(),
    verdict: verdictSchema,
    /** One line saying what was found. */
    summary: z.string(),
    /** Named counts, e.g. `{ seats: 1, confirmed: 1, doubleBooked: 0 }`. */
    counts: z.record(z.string(), z.number()).readonly(),
    /** The first few offending rows (at most MAX_EVIDENCE, src/checks/types.ts). */
    evidence: z.array(evidenceRowSchema).readonly(),
    /** How many offending rows there were in all. */
    evidenceTotal: z.number(),
  })
  .readonly();
/** The outcome of one check; see checkResultSchema. */
export type CheckResult = z.infer<typeof checkResultSchema>;

/** Where the run executed; load generator and target share it when `targetSharesMachine`. */
export const machineInfoSchema = z
  .object({
    hostname: z.string(),
    os: z.string(),
    cpuModel: z.string(),
    cores: z.number(),
    memoryGiB: z.number(),
    node: z.string(),
    ticketbench: z.string(),
    /** Server versions as reported by the servers, e.g. `10.11.19-MariaDB`; `unknown` when not known. */
    mysql: z.string(),
    redis: z.string(),
    kafka: z.string(),
  })
  .readonly();
/** Where the run executed; see machineInfoSchema. */
export type MachineInfo = z.infer<typeof machineInfoSchema>;

/** The comparisons a threshold may use. */
export const thresholdOperatorSchema = z.enum(['<', '<=', '>', '>=', '==', '!=']);

/** The unit of a threshold's value: `ms` (durations), `ratio` (0..1), `count`, or `per-second` (a counter's rate over the load phase). */
export const thresholdUnitSchema = z.enum(['ms', 'ratio', 'count', 'per-second']);

/** The outcome of one k6-style threshold, e.g. `http_req_duration{name:hold}:p(95)<50`. */
export const thresholdResultSchema = z
  .object({
    /** As written by the user or scenario. */
    expression: z.string(),
    /** Where it came from. */
    source: z.enum(['cli', 'scenario']),
    /** The measured value the condition was evaluated on (in `unit`); null when there was no sample. */
    actual: z.number().nullable(),
    passed: z.boolean(),
    /** Whether a breach stops the run early (k6 `abortOnFail`). */
    abortOnFail: z.boolean(),
    /** The comparison and the number `actual` is compared with (in `unit`), as parsed from `expression`. */
    operator: thresholdOperatorSchema,
    limit: z.number(),
    unit: thresholdUnitSchema,
    /** abortOnFail only: ms into the load phase when a live evaluation found it breached and stopped the load. */
    breachedAtMs: z.number().optional(),
  })
  .readonly();
/** The outcome of one k6-style threshold; see thresholdResultSchema. */
export type ThresholdResult = z.infer<typeof thresholdResultSchema>;

/**
 * What the servers counted during the run: deltas of MySQL global status counters and of the
 * target's Prometheus counters between before and after the load, plus ratios per reservation.
 */
export const observedDeltasSchema = z
  .object({
    /**
     * MySQL `SHOW GLOBAL STATUS` differences over the load (server-wide: other clients count
     * too), e.g. `{ Queries: 1234, Com_select: 456, Innodb_row_lock_waits: 3 }`, plus the sampled
     * maximum `Threads_connected_max`.
     */
    mysql: z.record(z.string(), z.number()).readonly(),
    /**
     * Non-zero differences of the target's counters (histograms by `_count` / `_sum`), keyed by
     * series as Prometheus writes it with labels sorted, e.g.
     * `{ 'seat_lock_acquisitions_total{result="busy"}': 79, outbox_published_total: 1 }`.
     */
    target: z.record(z.string(), z.number()).readonly(),
    /** Ratios per request sent and per sale (acknowledged payment), e.g. `{ mysqlQueriesPerSale: 139, mysqlQueriesPerRequest: 1.7 }`. */
    perReservation: z.record(z.string(), z.number()).readonly(),
    /** Why something could not be observed (e.g. `/metrics` unreachable), one line each. */
    notes: z.array(z.string()).readonly(),
  })
  .readonly();
/** Server-side counters over a run; see observedDeltasSchema. */
export type ObservedDeltas = z.infer<typeof observedDeltasSchema>;

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not a date' });

/** The full record of a run, format 1. */
export const runReportSchema = z
  .object({
    /** Report format version. */
    format: z.literal(1),
    scenario: z.string(),
    /** The target profile the run drove (`bundled` unless `--profile`); absent in reports written before profiles. */
    profile: z.string().optional(),
    /** The faults injected during the load (`--nemesis`); absent when none. */
    nemesis: nemesisReportSchema.optional(),
    description: z.string(),
    /** Scenario options after defaults, e.g. `{ vus: 80, seats: 1 }`. */
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).readonly(),
    /** Connection settings with passwords redacted, plus the target's base URL. */
    connections: z.object({ mysql: z.string(), redis: z.string(), kafka: z.string(), target: z.string() }).readonly(),
    /** True when the bundled target ran as a child process on this machine. */
    targetSharesMachine: z.boolean(),
    /** Servers `infra up` started for this run (e.g. `kafka`). */
    infraStarted: z.array(z.string()).readonly(),
    machine: machineInfoSchema,
    /** Ids of the data the run created (concert, schedule), so runs never collide. */
    fixture: z.record(z.string(), z.union([z.number(), z.string()])).readonly(),
    load: loadSummarySchema,
    /**
     * Figures the scenario derives from its history, e.g. `{ seatsSold: 1000, attemptsPerSale:
     * 1.8, sellOutMs: 5200, targetRetries: 12 }`; names in camelCase, units in the name (`…Ms`).
     */
    results: z.record(z.string(), z.union([z.number(), z.string()])).readonly(),
    checks: z.array(checkResultSchema).readonly(),
    /** Check verdict (correctness), composed from `checks`. */
    verdict: verdictSchema,
    /** Threshold outcomes (speed), judged separately from the checks. */
    thresholds: z.array(thresholdResultSchema).readonly(),
    /** Set when the run stopped early: a threshold with abortOnFail, or an interrupt. */
    aborted: z.object({ reason: z.string() }).readonly().optional(),
    /** Server-side counters over the run; absent when not observed. */
    observed: observedDeltasSchema.optional(),
    startedAt: isoDate,
    endedAt: isoDate,
  })
  .readonly();
/** The full record of a run; see runReportSchema. */
export type RunReport = z.infer<typeof runReportSchema>;

/** Where a run's report files were written (the SVG charts sit beside the markdown). */
export interface RunReportPaths {
  readonly json: string;
  readonly markdown: string;
}
