// Delta and ratio logic of the server-side observation, pure: hand-written readings in, the
// report's `observed` out; plus its rendering in the markdown report and the plain summary.
import { describe, expect, it } from 'vitest';
import { diffMysqlStatus, MYSQL_STATUS_COUNTERS } from '../../src/observe/mysql-status.ts';
import { computeObserved, cumulativeSeries, diffCounters, salesOf, SEAT_LOCK_BUSY_KEY, startObservation } from '../../src/observe/observe-run.ts';
import { parsePrometheusText } from '../../src/observe/prometheus-text.ts';
import { renderMarkdown, serverCounters } from '../../src/report/markdown.ts';
import type { ObservedDeltas } from '../../src/model/run-report.ts';
import { formatObservedLine, formatSummary } from '../../src/ui/plain.ts';
import { sampleRunReport } from '../fixtures/run-report.ts';

const status = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('diffMysqlStatus', () => {
  it('subtracts, takes the observer\'s own statements out of Queries and Questions, and skips missing counters', () => {
    const before = status({ Queries: 1000, Questions: 900, Com_select: 50, Innodb_row_lock_waits: 7, Threads_connected: 3 });
    const after = status({ Queries: 1250, Questions: 1100, Com_select: 80, Innodb_row_lock_waits: 9, Threads_connected: 30, Com_insert: 4 });
    expect(diffMysqlStatus(before, after, 3)).toEqual({ Queries: 247, Questions: 197, Com_select: 30, Innodb_row_lock_waits: 2 });
  });

  it('reports the after value of a counter that went down (server restarted) and never goes below 0', () => {
    expect(diffMysqlStatus(status({ Queries: 5000, Com_update: 10 }), status({ Queries: 40, Com_update: 3 }), 2)).toEqual({ Queries: 38, Com_update: 3 });
    expect(diffMysqlStatus(status({ Queries: 10 }), status({ Queries: 11 }), 5)).toEqual({ Queries: 0 });
  });

  it('covers the counters the issue names', () => {
    for (const name of ['Queries', 'Questions', 'Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Innodb_rows_read']) {
      expect(MYSQL_STATUS_COUNTERS).toContain(name);
    }
  });
});

const BEFORE = `# TYPE seat_lock_acquisitions_total counter
seat_lock_acquisitions_total{result="acquired"} 5
seat_lock_acquisitions_total{result="busy"} 10
# TYPE outbox_unsent_events gauge
outbox_unsent_events 4
# TYPE seat_lock_wait_seconds histogram
seat_lock_wait_seconds_bucket{le="0.001"} 15
seat_lock_wait_seconds_bucket{le="+Inf"} 15
seat_lock_wait_seconds_sum 0.1
seat_lock_wait_seconds_count 15
# TYPE nodejs_gc_duration_seconds histogram
nodejs_gc_duration_seconds_count{kind="minor"} 3
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.5
`;

const AFTER = `# TYPE seat_lock_acquisitions_total counter
seat_lock_acquisitions_total{result="acquired"} 6
seat_lock_acquisitions_total{result="busy"} 89
# TYPE outbox_unsent_events gauge
outbox_unsent_events 0
# TYPE seat_lock_wait_seconds histogram
seat_lock_wait_seconds_bucket{le="0.001"} 95
seat_lock_wait_seconds_bucket{le="+Inf"} 95
seat_lock_wait_seconds_sum 0.3
seat_lock_wait_seconds_count 95
# TYPE nodejs_gc_duration_seconds histogram
nodejs_gc_duration_seconds_count{kind="minor"} 9
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 2.25
# TYPE outbox_published_total counter
outbox_published_total 1
`;

describe('cumulativeSeries and diffCounters', () => {
  const before = cumulativeSeries(parsePrometheusText(BEFORE));
  const after = cumulativeSeries(parsePrometheusText(AFTER));

  it('keeps counters and histogram _count/_sum, not gauges, buckets or nodejs_* internals', () => {
    expect([...before.keys()].sort()).toEqual([
      'process_cpu_seconds_total',
      'seat_lock_acquisitions_total{result="acquired"}',
      'seat_lock_acquisitions_total{result="busy"}',
      'seat_lock_wait_seconds_count',
      'seat_lock_wait_seconds_sum',
    ]);
  });

  it('gives non-zero deltas by series key, counting new series from 0, without float noise', () => {
    expect(diffCounters(before, after)).toEqual({
      outbox_published_total: 1,
      process_cpu_seconds_total: 0.75,
      'seat_lock_acquisitions_total{result="acquired"}': 1,
      'seat_lock_acquisitions_total{result="busy"}': 79,
      seat_lock_wait_seconds_count: 80,
      seat_lock_wait_seconds_sum: 0.2,
    });
    expect(SEAT_LOCK_BUSY_KEY).toBe('seat_lock_acquisitions_total{result="busy"}');
  });

  it('leaves out the observer\'s own /metrics requests', () => {
    const key = 'http_request_duration_seconds_count{method="GET",route="/metrics",status="200"}';
    expect(diffCounters(new Map([[key, 1]]), new Map([[key, 2]]))).toEqual({});
  });

  it('reads rows from Innodb_rows_read on MySQL and Rows_read on MariaDB', () => {
    const mariadb = computeObserved({ mysqlBefore: status({ Rows_read: 10 }), mysqlAfter: status({ Rows_read: 30 }), ownStatements: 0, requests: 10, sales: 0, notes: [] });
    expect(mariadb.perReservation).toEqual({ rowsReadPerRequest: 2 });
  });

  it('treats a series that went down as reset, as Prometheus increase() does', () => {
    expect(diffCounters(new Map([['x_total', 100]]), new Map([['x_total', 7]]))).toEqual({ x_total: 7 });
    expect(diffCounters(new Map([['x_total', 7]]), new Map([['x_total', 7]]))).toEqual({});
  });
});

describe('computeObserved', () => {
  const mysqlBefore = status({ Queries: 1000, Questions: 1000, Com_insert: 0, Com_update: 0, Com_delete: 0, Innodb_rows_read: 0, Innodb_row_lock_waits: 0, Threads_connected: 2 });
  const mysqlAfter = status({ Queries: 1403, Questions: 1203, Com_insert: 3, Com_update: 2, Com_delete: 0, Innodb_rows_read: 162, Innodb_row_lock_waits: 4, Threads_connected: 2 });
  const targetBefore = new Map([[SEAT_LOCK_BUSY_KEY, 0]]);
  const targetAfter = new Map([[SEAT_LOCK_BUSY_KEY, 79]]);

  it('computes deltas, Threads_connected_max and ratios per request and per sale', () => {
    const observed = computeObserved({ mysqlBefore, mysqlAfter, ownStatements: 3, threadsConnectedMax: 24, targetBefore, targetAfter, requests: 81, sales: 1, notes: [] });
    expect(observed.mysql).toMatchObject({ Queries: 400, Questions: 200, Threads_connected_max: 24 });
    expect(observed.target).toEqual({ [SEAT_LOCK_BUSY_KEY]: 79 });
    expect(observed.perReservation).toEqual({
      mysqlQueriesPerRequest: 400 / 81,
      mysqlQueriesPerSale: 400,
      mysqlWritesPerSale: 5,
      rowsReadPerRequest: 2,
      innodbRowLockWaitsPerSale: 4,
      seatLockBusyPerSale: 79,
    });
    expect(observed.notes).toEqual([]);
  });

  it('leaves out per-sale ratios without sales, and everything it could not read, keeping the notes', () => {
    const noSales = computeObserved({ mysqlBefore, mysqlAfter, ownStatements: 0, targetBefore, targetAfter, requests: 10, sales: 0, notes: [] });
    expect(Object.keys(noSales.perReservation).sort()).toEqual(['mysqlQueriesPerRequest', 'rowsReadPerRequest']);
    const nothing = computeObserved({ mysqlBefore, ownStatements: 0, requests: 10, sales: 1, notes: ['target counters not observed: http://x/metrics answered 404'] });
    expect(nothing).toEqual({ mysql: {}, target: {}, perReservation: {}, notes: ['target counters not observed: http://x/metrics answered 404'] });
  });

  it('counts acknowledged payments as sales', () => {
    expect(salesOf({ ops: { hold: { ok: 3, fail: 9, info: 0 }, pay: { ok: 2, fail: 1, info: 1 } } })).toBe(2);
    expect(salesOf({ ops: {} })).toBe(0);
  });
});

describe('startObservation against nothing', () => {
  it('never throws: an unreachable target and MySQL become notes', async () => {
    const observation = await startObservation({ targetUrl: 'http://127.0.0.1:1', mysqlUrl: 'mysql://root@127.0.0.1:1/none', timeoutMs: 1_000 });
    await observation.loadEnded();
    const observed = await observation.finish({ requests: 5, ops: {} });
    expect(observed.mysql).toEqual({});
    expect(observed.target).toEqual({});
    expect(observed.notes).toHaveLength(2);
    expect(observed.notes.join('\n')).toMatch(/^target counters not observed: /m);
    expect(observed.notes.join('\n')).toMatch(/^MySQL status not observed: /m);
  });
});

const OBSERVED: ObservedDeltas = {
  mysql: { Innodb_row_lock_waits: 3, Queries: 1234, Threads_connected_max: 25, Com_select: 600 },
  target: { [SEAT_LOCK_BUSY_KEY]: 79, outbox_published_total: 1, 'http_request_duration_seconds_count{method="POST",route="/api/reservations",status="409"}': 79 },
  perReservation: { mysqlQueriesPerRequest: 15.234, mysqlQueriesPerSale: 1234 },
  notes: [],
};

describe('rendering', () => {
  it('adds a "Server-side counters" section with MySQL deltas, target deltas, ratios and the global caveat', () => {
    const section = serverCounters(sampleRunReport({ observed: OBSERVED }));
    expect(section).toMatch(/^## Server-side counters/);
    expect(section).toContain('| `Queries` | 1,234 |');
    // MySQL counters in their listed order, the sampled maximum last.
    expect(section.indexOf('`Queries`')).toBeLessThan(section.indexOf('`Com_select`'));
    expect(section.indexOf('`Innodb_row_lock_waits`')).toBeLessThan(section.indexOf('`Threads_connected_max`'));
    expect(section).toContain('| `seat_lock_acquisitions_total{result="busy"}` | 79 |');
    expect(section).toContain('| `mysqlQueriesPerRequest` | 15.23 |');
    expect(section).toContain('MySQL status is global');
    expect(section).toContain('81 requests');
    expect(section).toContain('1 acknowledged payments');
    expect(renderMarkdown(sampleRunReport({ observed: OBSERVED }))).toContain('## Server-side counters');
  });

  it('shows notes, and nothing at all for a report without an observation', () => {
    const notes = serverCounters(sampleRunReport({ observed: { mysql: {}, target: {}, perReservation: {}, notes: ['target counters not observed: answered 404'] } }));
    expect(notes).toContain('- Not observed: target counters not observed: answered 404');
    expect(notes).not.toContain('### MySQL');
    expect(serverCounters(sampleRunReport())).toBe('');
    expect(renderMarkdown(sampleRunReport())).not.toContain('Server-side counters');
  });

  it('prints one server line in the plain summary', () => {
    const line = formatObservedLine(sampleRunReport({ observed: OBSERVED }));
    expect(line).toBe('server: 1,234 MySQL queries (1,234.00 per sale, 15.23 per request) · 3 row lock waits · 79 seat lock busy · 1 event published');
    expect(formatSummary(sampleRunReport({ observed: OBSERVED }))).toContain(line);
    expect(formatObservedLine(sampleRunReport({ observed: { mysql: {}, target: {}, perReservation: {}, notes: ['x'] } }))).toBe('server: not observed');
    expect(formatObservedLine(sampleRunReport())).toBeUndefined();
  });
});
