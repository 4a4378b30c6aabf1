/**
 * What the servers counted during a run: MySQL `SHOW GLOBAL STATUS` counters around the load
 * phase and the target's Prometheus counters (`/metrics`) from before the load until after the
 * checks, turned into deltas and ratios per request and per sale (`RunReport.observed`).
 *
 * Observing never fails a run: anything that cannot be read (a target without `/metrics`,
 * MySQL refusing the status read) becomes a one-line note and the rest is still reported.
 */
import mysql, { type Connection } from 'mysql2/promise';
import type { LoadSummary } from '../engine/types.ts';
import type { ObservedDeltas } from '../model/run-report.ts';
import { diffMysqlStatus, readMysqlStatus, readThreadsConnected, THREADS_CONNECTED, THREADS_CONNECTED_MAX, type MysqlStatus } from './mysql-status.ts';
import { parsePrometheusText, seriesKey, type MetricFamily } from './prometheus-text.ts';

/** Where and how to observe. */
export interface ObserveOptions {
  /** The target's base URL; counters are read from `<targetUrl>/metrics`. */
  readonly targetUrl: string;
  /** The MySQL the target writes to (ticketbench's `--mysql-url`). */
  readonly mysqlUrl: string;
  /** How often `Threads_connected` is sampled during the load, ms (default 1000). */
  readonly sampleIntervalMs?: number;
  /** Longest wait for one read, ms (default 5000). */
  readonly timeoutMs?: number;
}

/** An observation in progress, started before the load. */
export interface RunObservation {
  /**
   * Reads MySQL's counters again and stops sampling; call right after the load, before the
   * checks, whose own queries would otherwise count. Idempotent; never throws.
   */
  loadEnded(): Promise<void>;
  /**
   * Reads the target's counters again (after the checks, so the outbox relay and consumer have
   * handled the run's sales) and computes the deltas. Calls `loadEnded` if it was not. Never throws.
   */
  finish(load: Pick<LoadSummary, 'requests' | 'ops'>): Promise<ObservedDeltas>;
  /** Releases the MySQL connection without a result (the load failed). Never throws. */
  close(): Promise<void>;
}

/**
 * The operation whose `ok` count is the number of sales: the bundled scenarios' payment
 * (`src/scenario/reservation-ops.ts`), which confirms a reservation.
 */
export const SALE_OPERATION = 'pay';

/** Sales in a load summary: acknowledged payments (`ok` operations named `pay`). */
export function salesOf(load: Pick<LoadSummary, 'ops'>): number {
  return load.ops[SALE_OPERATION]?.ok ?? 0;
}

/**
 * Cumulative series of a parsed exposition by `seriesKey`: every counter sample, and the `_count`
 * and `_sum` of histograms and summaries. Gauges and buckets are left out (a gauge has no
 * meaningful delta; buckets would multiply the series by ~15), and so are `nodejs_*` runtime
 * internals (GC, event loop); `process_*` counters such as CPU seconds stay.
 */
export function cumulativeSeries(families: ReadonlyMap<string, MetricFamily>): Map<string, number> {
  const series = new Map<string, number>();
  for (const family of families.values()) {
    if (family.name.startsWith('nodejs_')) continue;
    for (const sample of family.samples) {
      const cumulative =
        family.type === 'counter' ||
        ((family.type === 'histogram' || family.type === 'summary') && (sample.name.endsWith('_count') || sample.name.endsWith('_sum')));
      if (cumulative && Number.isFinite(sample.value)) series.set(seriesKey(sample.name, sample.labels), sample.value);
    }
  }
  return series;
}

// Label of the target's request series for `/metrics` itself (the observer's own reads).
const OWN_SCRAPE_LABEL = 'route="/metrics"';

// Histogram sums are floats; six decimals keep microseconds without 0.30000000000000004 noise.
const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

/**
 * Non-zero differences between two readings of cumulative series. A series that went down was
 * reset (the target restarted), so its delta is its `after` value, as Prometheus' `increase`
 * treats it; a series absent before counts from 0. Series of requests to `/metrics` are left
 * out: they are the observer's own reads.
 */
export function diffCounters(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Record<string, number> {
  const deltas: Record<string, number> = {};
  for (const [key, b] of [...after].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    // The observer's own scrapes of /metrics are not the run's traffic.
    if (key.includes(OWN_SCRAPE_LABEL)) continue;
    const a = before.get(key) ?? 0;
    const delta = round6(b >= a ? b - a : b);
    if (delta !== 0) deltas[key] = delta;
  }
  return deltas;
}

/** Everything `computeObserved` needs; readings that failed are absent. */
export interface ObservedInputs {
  readonly mysqlBefore?: MysqlStatus | undefined;
  readonly mysqlAfter?: MysqlStatus | undefined;
  /** Statements the observer sent after the `mysqlBefore` read, the `mysqlAfter` read included. */
  readonly ownStatements: number;
  /** Largest `Threads_connected` sampled (before, during and after the load). */
  readonly threadsConnectedMax?: number | undefined;
  readonly targetBefore?: ReadonlyMap<string, number> | undefined;
  readonly targetAfter?: ReadonlyMap<string, number> | undefined;
  /** Requests the load generator sent. */
  readonly requests: number;
  /** Sales (see `salesOf`). */
  readonly sales: number;
  readonly notes: readonly string[];
}

/** Key of the seat-lock losses series in `ObservedDeltas.target`. */
export const SEAT_LOCK_BUSY_KEY = seriesKey('seat_lock_acquisitions_total', { result: 'busy' });

/**
 * Computes the deltas and the ratios (pure). Ratios per request divide by the requests the load
 * generator sent; per sale by acknowledged payments; a ratio whose denominator is 0 or whose
 * numerator was not observed is left out.
 */
export function computeObserved(inputs: ObservedInputs): ObservedDeltas {
  const mysqlDeltas: Record<string, number> =
    inputs.mysqlBefore && inputs.mysqlAfter ? diffMysqlStatus(inputs.mysqlBefore, inputs.mysqlAfter, inputs.ownStatements) : {};
  if (inputs.mysqlBefore && inputs.mysqlAfter && inputs.threadsConnectedMax !== undefined) {
    mysqlDeltas[THREADS_CONNECTED_MAX] = inputs.threadsConnectedMax;
  }
  const target = inputs.targetBefore && inputs.targetAfter ? diffCounters(inputs.targetBefore, inputs.targetAfter) : {};

  const ratios: Record<string, number> = {};
  const per = (key: string, numerator: number | undefined, denominator: number): void => {
    if (numerator !== undefined && denominator > 0) ratios[key] = numerator / denominator;
  };
  const m = (name: string): number | undefined => mysqlDeltas[name];
  const writes = ['Com_insert', 'Com_update', 'Com_delete'].every((n) => m(n) !== undefined) ? (m('Com_insert') ?? 0) + (m('Com_update') ?? 0) + (m('Com_delete') ?? 0) : undefined;
  per('mysqlQueriesPerRequest', m('Queries'), inputs.requests);
  per('mysqlQueriesPerSale', m('Queries'), inputs.sales);
  per('mysqlWritesPerSale', writes, inputs.sales);
  // MySQL counts rows read by InnoDB, MariaDB (which dropped Innodb_rows_read) rows read by any engine.
  per('rowsReadPerRequest', m('Innodb_rows_read') ?? m('Rows_read'), inputs.requests);
  per('innodbRowLockWaitsPerSale', m('Innodb_row_lock_waits'), inputs.sales);
  if (inputs.targetBefore && inputs.targetAfter) per('seatLockBusyPerSale', target[SEAT_LOCK_BUSY_KEY] ?? 0, inputs.sales);

  return { mysql: mysqlDeltas, target, perReservation: ratios, notes: [...inputs.notes] };
}

/** The first line of an error's message, for a note. */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

/**
 * Reads and parses `<targetUrl>/metrics`.
 * @throws an Error saying why (unreachable, not 200, not the exposition format).
 */
export async function readTargetCounters(targetUrl: string, timeoutMs: number): Promise<Map<string, number>> {
  const url = new URL('/metrics', targetUrl);
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url.href} answered ${res.status}`);
  return cumulativeSeries(parsePrometheusText(text));
}

/**
 * Takes the `before` readings and starts sampling `Threads_connected`. Never throws: what cannot
 * be read becomes a note in the result.
 */
export async function startObservation(options: ObserveOptions): Promise<RunObservation> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const notes: string[] = [];
  const targetRead = readTargetCounters(options.targetUrl, timeoutMs).catch((err: unknown) => {
    notes.push(`target counters not observed: ${reason(err)}`);
    return undefined;
  });

  let conn: Connection | undefined;
  let mysqlBefore: MysqlStatus | undefined;
  try {
    // No default database: the server's counters need none, and the nemesis's
    // mysql-kill-connections kills the service database's connections, which this is not.
    const server = new URL(options.mysqlUrl.replace(/^mariadb:/, 'mysql:'));
    server.pathname = '/';
    conn = await mysql.createConnection({ uri: server.toString(), connectTimeout: timeoutMs });
    mysqlBefore = await readMysqlStatus(conn);
  } catch (err) {
    notes.push(`MySQL status not observed: ${reason(err)}`);
    await conn?.end().catch(() => {});
    conn = undefined;
  }
  const targetBefore = await targetRead;

  let threadsConnectedMax = mysqlBefore?.get(THREADS_CONNECTED);
  let ownStatements = 0;
  let sampling: Promise<void> | undefined;
  const sample = (c: Connection): void => {
    if (sampling) return;
    ownStatements += 1;
    sampling = readThreadsConnected(c)
      .then((n) => {
        if (n !== undefined) threadsConnectedMax = Math.max(threadsConnectedMax ?? n, n);
      })
      .catch(() => {
        // A missed sample only makes the maximum less precise.
      })
      .finally(() => {
        sampling = undefined;
      });
  };
  const timer = conn ? setInterval(() => conn && sample(conn), options.sampleIntervalMs ?? 1_000) : undefined;
  timer?.unref();

  let mysqlAfter: MysqlStatus | undefined;
  let ended: Promise<void> | undefined;
  const stop = async (): Promise<Connection | undefined> => {
    clearInterval(timer);
    await sampling;
    const c = conn;
    conn = undefined;
    return c;
  };
  const loadEnded = (): Promise<void> =>
    (ended ??= (async () => {
      const c = await stop();
      if (!c) return;
      try {
        ownStatements += 1;
        mysqlAfter = await readMysqlStatus(c);
        const threads = mysqlAfter.get(THREADS_CONNECTED);
        if (threads !== undefined) threadsConnectedMax = Math.max(threadsConnectedMax ?? threads, threads);
      } catch (err) {
        notes.push(`MySQL status not observed after the load: ${reason(err)}`);
      } finally {
        await c.end().catch(() => {});
      }
    })());

  return {
    loadEnded,
    async finish(load) {
      await loadEnded();
      let targetAfter: Map<string, number> | undefined;
      if (targetBefore) {
        try {
          targetAfter = await readTargetCounters(options.targetUrl, timeoutMs);
        } catch (err) {
          notes.push(`target counters not observed after the run: ${reason(err)}`);
        }
      }
      return computeObserved({
        mysqlBefore,
        mysqlAfter,
        ownStatements,
        threadsConnectedMax,
        targetBefore,
        targetAfter,
        requests: load.requests,
        sales: salesOf(load),
        notes,
      });
    },
    async close() {
      const c = await stop();
      await c?.end().catch(() => {});
    },
  };
}
