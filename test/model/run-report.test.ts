// RunReport is declared once (src/model/run-report.ts): what a run writes is what `ticketbench
// report` reads back, field for field, and the schema refuses what the type would not allow.
import { describe, expect, it } from 'vitest';
import { runReportSchema } from '../../src/model/run-report.ts';
import { parseRunReport } from '../../src/report/run-schema.ts';
import { renderJson } from '../../src/report/json.ts';
import { checksWithFailure, sampleOpenModelReport, sampleRunReport } from '../fixtures/run-report.ts';

describe('RunReport format 1', () => {
  it.each([
    ['a closed-model run that passed', sampleRunReport()],
    ['an arrival-rate run with corrected latencies', sampleOpenModelReport()],
    ['a failed, aborted run', sampleRunReport({ checks: checksWithFailure(), verdict: 'fail', aborted: { reason: 'interrupted' } })],
    [
      'a run with thresholds and server counters',
      sampleRunReport({
        thresholds: [
          { expression: 'errors:rate<0.01', source: 'scenario', actual: 0, passed: true, abortOnFail: false, operator: '<', limit: 0.01, unit: 'ratio' },
          { expression: 'http_req_duration:p(95)<5:abortOnFail', source: 'cli', actual: 12.5, passed: false, abortOnFail: true, operator: '<', limit: 5, unit: 'ms', breachedAtMs: 1250 },
          { expression: 'http_req_duration{name:pay}:p(95)<500', source: 'cli', actual: null, passed: true, abortOnFail: false, operator: '<', limit: 500, unit: 'ms' },
        ],
        observed: {
          mysql: { Queries: 1234, Com_select: 456, Threads_connected_max: 12 },
          target: { 'seat_lock_acquisitions_total{result="busy"}': 79, outbox_published_total: 1 },
          perReservation: { mysqlQueriesPerSale: 139, mysqlQueriesPerRequest: 1.7 },
          notes: ['target /metrics unreachable after the checks'],
        },
      }),
    ],
  ])('reads back exactly as written: %s', (_name, report) => {
    expect(parseRunReport(renderJson(report), 'run.json')).toEqual(report);
  });

  it('refuses a threshold result or observed counters that do not fit the model, naming the field', () => {
    const report = sampleRunReport();
    const badThreshold = { ...report, thresholds: [{ expression: 'errors:rate<0.01', passed: true }] };
    expect(() => parseRunReport(JSON.stringify(badThreshold), 'run.json')).toThrow(/run\.json is not a valid ticketbench run report: thresholds\[0\]\.source: /);
    const badObserved = { ...report, observed: { mysql: {}, target: {}, perReservation: { perSale: 'many' }, notes: [] } };
    expect(() => parseRunReport(JSON.stringify(badObserved), 'run.json')).toThrow(/observed\.perReservation\.perSale: /);
  });

  it('drops nothing a writer sets: every key of the sample is a key of the schema', () => {
    const report = sampleRunReport();
    expect(Object.keys(runReportSchema.parse(JSON.parse(renderJson(report)))).sort()).toEqual(Object.keys(report).sort());
  });
});
