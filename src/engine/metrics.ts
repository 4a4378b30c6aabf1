/**
 * Request metrics of a load run: latency histograms (overall and per request name), answers by
 * status class, completed requests per second of the run and their latency percentiles per second.
 */
import { DISTRIBUTION_BUCKETS, LatencyHistogram, type LatencyBucket } from './latency.ts';
import type { ExecutorConfig, LatencySummary, LoadSummary, StatusCounts } from './types.ts';

/** Count and p50/p95/p99 (ms) of the requests completed in one second of the run. */
export type LatencySecond = NonNullable<LoadSummary['latencySeries']>[number];

const EMPTY_SECOND: LatencySecond = { count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 };

/**
 * Latency of a set of requests so far (ms) with any percentile, for thresholds such as `p(99.9)`
 * that the fixed percentiles of a LatencySummary do not cover.
 */
export interface LatencyReading extends LatencySummary {
  /** Value at `percentile` (0..100), ms; 0 when empty. */
  percentileMs(percentile: number): number;
}

/** What one completed request contributes: an HTTP status, or an error code when none came. */
export type RequestOutcome = { readonly status: number } | { readonly errorCode: string };

/** Accumulates request metrics; one instance per run. */
export class RunMetrics {
  private readonly byName = new Map<string, LatencyHistogram>();
  /**
   * Every request's latency, built from the per-name histograms when read (a few times a second
   * at most) rather than recorded a second time per request; valid while `mergedCount` equals
   * `total`.
   */
  private readonly merged = new LatencyHistogram();
  private mergedCount = -1;
  private total = 0;
  private readonly correctedOverall = new LatencyHistogram();
  private readonly correctedByName = new Map<string, LatencyHistogram>();
  /** Answers per HTTP status code (index = code): counted without building a key per request. */
  private readonly statusCounts = new Float64Array(1000);
  /** Requests that got no answer, per error code (rare). */
  private readonly errorCounts = new Map<string, number>();
  private readonly perSecond: number[] = [];
  /**
   * The open second's latencies. Summarised into `closedSeconds` and reset when a completion
   * falls in a later second, so memory stays flat however long the run: one histogram, plus four
   * numbers per second.
   */
  private readonly interval = new LatencyHistogram();
  private intervalSecond = 0;
  private readonly closedSeconds: LatencySecond[] = [];
  private ok = 0;
  private conflict = 0;
  private error = 0;
  /** The last request name's histogram: a scenario's requests come in runs of the same name. */
  private lastName: string | undefined;
  private lastNamed: LatencyHistogram | undefined;

  /** @param startedAtMs performance.now() at the start of the load phase. */
  constructor(private startedAtMs: number) {}

  /** Moves the start of the load phase (performance.now()); only before any request is recorded. */
  startAt(startedAtMs: number): void {
    this.startedAtMs = startedAtMs;
  }

  /**
   * Records a completed request.
   * @param name request name, e.g. `hold`
   * @param latencyUs time from send to full response (or error), microseconds
   * @param completedAtMs performance.now() at completion
   */
  record(name: string, outcome: RequestOutcome, latencyUs: number, completedAtMs: number): void {
    if ('status' in outcome) this.recordStatus(name, outcome.status, latencyUs, completedAtMs);
    else this.recordError(name, outcome.errorCode, latencyUs, completedAtMs);
  }

  /** Records a request answered with HTTP `status` (the client's path: no outcome object). */
  recordStatus(name: string, status: number, latencyUs: number, completedAtMs: number): void {
    if (status >= 200 && status < 300) this.ok += 1;
    else if (status === 409) this.conflict += 1;
    else this.error += 1;
    if (status >= 0 && status < 1000) this.statusCounts[status]! += 1;
    else this.countError(String(status));
    this.recordLatency(name, latencyUs, completedAtMs);
  }

  /** Records a request that got no answer, e.g. `timeout`, `ECONNREFUSED`. */
  recordError(name: string, errorCode: string, latencyUs: number, completedAtMs: number): void {
    this.error += 1;
    this.countError(errorCode);
    this.recordLatency(name, latencyUs, completedAtMs);
  }

  private countError(key: string): void {
    this.errorCounts.set(key, (this.errorCounts.get(key) ?? 0) + 1);
  }

  private recordLatency(name: string, latencyUs: number, completedAtMs: number): void {
    this.total += 1;
    let named = this.lastNamed;
    if (name !== this.lastName || named === undefined) {
      named = this.byName.get(name);
      if (!named) this.byName.set(name, (named = new LatencyHistogram()));
      this.lastName = name;
      this.lastNamed = named;
    }
    named.record(latencyUs);

    const second = Math.max(0, Math.floor((completedAtMs - this.startedAtMs) / 1000));
    while (this.perSecond.length <= second) this.perSecond.push(0);
    this.perSecond[second]! += 1;

    if (second > this.intervalSecond) this.closeSecondsBefore(second);
    // A completion stamped just before a boundary but recorded after it lands in the open second.
    this.interval.record(latencyUs);
  }

  private closeSecondsBefore(second: number): void {
    while (this.intervalSecond < second) {
      this.closedSeconds.push(this.intervalSummary());
      if (this.interval.count > 0) this.interval.reset();
      this.intervalSecond += 1;
    }
  }

  private intervalSummary(): LatencySecond {
    if (this.interval.count === 0) return EMPTY_SECOND;
    return { count: this.interval.count, p50Ms: this.interval.percentileMs(50), p95Ms: this.interval.percentileMs(95), p99Ms: this.interval.percentileMs(99) };
  }

  /**
   * Records a request's coordinated-omission-corrected latency: from when it was *intended* to
   * start to its completion (wrk2's measure). Kept apart from `record`'s send → response figures
   * so that both can be reported side by side. Open (arrival-rate) models only.
   * @param latencyUs completion − intended start, microseconds
   */
  recordCorrected(name: string, latencyUs: number): void {
    this.correctedOverall.record(latencyUs);
    let named = this.correctedByName.get(name);
    if (!named) this.correctedByName.set(name, (named = new LatencyHistogram()));
    named.record(latencyUs);
  }

  /** Requests completed so far. */
  get requests(): number {
    return this.total;
  }

  /** Every request's latency so far: the one per-name histogram, or their sum. */
  private get overall(): LatencyHistogram {
    if (this.byName.size === 1) return this.byName.values().next().value!;
    if (this.mergedCount !== this.total) {
      this.merged.setToSumOf(this.byName.values());
      this.mergedCount = this.total;
    }
    return this.merged;
  }

  /** Answers by class and by status code so far. */
  status(): StatusCounts {
    const byStatus: Record<string, number> = {};
    this.statusCounts.forEach((count, code) => {
      if (count > 0) byStatus[String(code)] = count;
    });
    for (const [code, count] of this.errorCounts) byStatus[code] = (byStatus[code] ?? 0) + count;
    return { ok: this.ok, conflict: this.conflict, error: this.error, byStatus };
  }

  /** Send → response latency of every request. */
  latency(): LatencySummary {
    return this.overall.summary();
  }

  /** Send → response latency per request name. */
  latencyByName(): Record<string, LatencySummary> {
    return Object.fromEntries([...this.byName].map(([name, h]) => [name, h.summary()]));
  }

  /** Corrected (intended start → response) latency of every request recorded with `recordCorrected`. */
  latencyCorrected(): LatencySummary {
    return this.correctedOverall.summary();
  }

  /** Corrected latency per request name. */
  latencyCorrectedByName(): Record<string, LatencySummary> {
    return Object.fromEntries([...this.correctedByName].map(([name, h]) => [name, h.summary()]));
  }

  /**
   * Latency so far of every request (`name` undefined) or of one request name, with any
   * percentile; undefined for a name never recorded. Cheap enough to call at every progress tick.
   */
  latencyOf(name?: string): LatencyReading | undefined {
    const h = name === undefined ? this.overall : this.byName.get(name);
    return h ? { ...h.summary(), percentileMs: (p: number) => h.percentileMs(p) } : undefined;
  }

  /** p50/p95/p99 so far, ms (cheap enough to call several times a second). */
  livePercentiles(): { p50Ms: number; p95Ms: number; p99Ms: number } {
    return { p50Ms: this.overall.percentileMs(50), p95Ms: this.overall.percentileMs(95), p99Ms: this.overall.percentileMs(99) };
  }

  /**
   * Requests completed in the last full second before `nowMs` (performance.now()); during the
   * first second, the average rate so far.
   */
  tpsAt(nowMs: number): number {
    const elapsedMs = nowMs - this.startedAtMs;
    const second = Math.floor(elapsedMs / 1000) - 1;
    if (second < 0) return elapsedMs > 0 ? (this.requests * 1000) / elapsedMs : 0;
    return this.perSecond[second] ?? 0;
  }

  /** Completed requests per second of the run, up to `durationMs`. */
  tpsSeries(durationMs: number): number[] {
    const seconds = Math.max(1, Math.ceil(durationMs / 1000));
    return Array.from({ length: seconds }, (_, i) => this.perSecond[i] ?? 0);
  }

  /**
   * Count and p50/p95/p99 of the requests completed in each second of the run, up to
   * `durationMs` (as long as `tpsSeries`); a second without completions is all zeros. Does not
   * close the open second, so it may be called while requests still complete.
   */
  latencySeries(durationMs: number): LatencySecond[] {
    const seconds = Math.max(1, Math.ceil(durationMs / 1000));
    return Array.from({ length: seconds }, (_, i) =>
      i < this.closedSeconds.length ? this.closedSeconds[i]! : i === this.intervalSecond ? this.intervalSummary() : EMPTY_SECOND,
    );
  }

  /** Send → response latency of every request in log-spaced buckets (see LatencyHistogram.distribution). */
  latencyDistribution(buckets = DISTRIBUTION_BUCKETS): LatencyBucket[] {
    return this.overall.distribution(buckets);
  }
}

/** What a load summary adds to the request metrics. */
export interface LoadFacts {
  readonly executor: ExecutorConfig;
  readonly startedAt: Date;
  /** Length of the load phase, ms. */
  readonly durationMs: number;
  readonly iterations: LoadSummary['iterations'];
  readonly droppedIterations: number;
  /** ok / fail / info per operation name (History.counts()). */
  readonly ops: LoadSummary['ops'];
  /** Include the coordinated-omission-corrected latencies (open models). */
  readonly corrected: boolean;
  readonly instances?: LoadSummary['instances'];
}

/**
 * The load summary of a finished load from its request metrics: TPS = requests / duration in
 * seconds, latencies overall and per request name, answers by status, series per second. Used by
 * the engine and by `ticketbench verify` (a k6 run's samples recorded into RunMetrics).
 */
export function summarizeLoad(metrics: RunMetrics, facts: LoadFacts): LoadSummary {
  return {
    executor: facts.executor,
    startedAt: facts.startedAt.toISOString(),
    durationMs: facts.durationMs,
    iterations: facts.iterations,
    droppedIterations: facts.droppedIterations,
    requests: metrics.requests,
    tps: metrics.requests / Math.max(facts.durationMs / 1000, 0.001),
    latency: metrics.latency(),
    latencyByName: metrics.latencyByName(),
    ...(facts.corrected ? { latencyCorrected: metrics.latencyCorrected(), latencyCorrectedByName: metrics.latencyCorrectedByName() } : {}),
    status: metrics.status(),
    ops: facts.ops,
    tpsSeries: metrics.tpsSeries(facts.durationMs),
    latencySeries: metrics.latencySeries(facts.durationMs),
    latencyDistribution: metrics.latencyDistribution(),
    ...(facts.instances ? { instances: facts.instances } : {}),
  };
}
