// --summary-json and --junit rendered from hand-written reports: the summary's shape, and JUnit
// that is well-formed XML (parsed back) with one case per check and threshold, failures with
// their evidence, escaping of every special character, and unsafe strategies' expected failures.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { CompareResult } from '../../src/model/compare.ts';
import { compareJUnit, errorJUnit, escapeXml, runJUnit } from '../../src/report/junit.ts';
import { compareSummaryJson, errorSummaryJson, runSummaryJson } from '../../src/report/summary-json.ts';
import type { RunReport, ThresholdResult } from '../../src/model/run-report.ts';
import { passingChecks, sampleRunReport } from '../fixtures/run-report.ts';

const paths = { json: 'reports/20250301-140502-contention.json', markdown: 'reports/20250301-140502-contention.md' };
const thresholds: ThresholdResult[] = [
  { expression: 'http_req_duration{name:hold}:p(95)<50', source: 'cli', actual: 52.31, passed: false, abortOnFail: false, operator: '<', limit: 50, unit: 'ms' },
  { expression: 'errors:rate<0.01', source: 'scenario', actual: 0, passed: true, abortOnFail: false, operator: '<', limit: 0.01, unit: 'ratio' },
];
const report = sampleRunReport({ thresholds, options: { vus: 80, seats: 1, strategy: 'redis-lock' } });

// htmlEntities: numeric character references (&#10;) are decoded, as any XML parser must.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });
type Case = { classname: string; name: string; time: string; failure?: { message: string; type: string; '#text'?: string }; 'system-out'?: string; error?: { message: string; type: string } };
type Doc = { testsuites: { tests: string; failures: string; errors: string; time: string; testsuite: { name: string; tests: string; failures: string; time: string; timestamp: string; properties: { property: { name: string; value: string }[] }; testcase: Case[] }[] } };
function parseXml(xml: string): Doc {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as Doc;
}

describe('runSummaryJson', () => {
  it('gives the outcome, checks, thresholds, load figures, report paths and times', () => {
    const s = runSummaryJson(report, paths, 1);
    expect(s).toMatchObject({
      format: 1,
      command: 'run',
      verdict: 'fail',
      exitCode: 1,
      exitCodeName: 'CHECKS_FAILED',
      scenario: 'contention',
      strategy: 'redis-lock',
      checksVerdict: 'fail',
      thresholds,
      load: { requests: 81, durationMs: 1412, tps: 57.365, p50Ms: 9.876, p95Ms: 52.31, p99Ms: 97.5, status: { ok: 2, conflict: 79, error: 0 }, iterationsCompleted: 80, iterationsFailed: 79, droppedIterations: 0 },
      reports: paths,
      startedAt: '2025-03-01T14:05:02.871Z',
      endedAt: '2025-03-01T14:05:06.004Z',
    });
    expect(s.checks[3]).toEqual({ id: 'kafka-events', title: 'Every confirmed booking published to Kafka once', verdict: 'fail', summary: '12 duplicate events for 1 confirmed booking', counts: { confirmed: 1, events: 13, missing: 0, duplicates: 12 } });
    expect(s).not.toHaveProperty('aborted');
    expect(runSummaryJson({ ...report, checks: passingChecks(), verdict: 'pass' }, paths, 0)).toMatchObject({ verdict: 'pass', exitCodeName: 'OK' });
  });

  it('records an error that stopped the command before a report', () => {
    const s = errorSummaryJson('run', 'contention', '2025-03-01T14:05:02.871Z', { code: 'INFRA_UNAVAILABLE', message: 'Kafka at 127.0.0.1:9092 is not reachable.', exitCode: 4 });
    expect(s).toMatchObject({ verdict: 'error', exitCode: 4, exitCodeName: 'INFRA_UNAVAILABLE', error: { code: 'INFRA_UNAVAILABLE', message: 'Kafka at 127.0.0.1:9092 is not reachable.' } });
  });
});

describe('runJUnit', () => {
  it('has one suite with a case per check and per threshold; failures carry summary and evidence', () => {
    const doc = parseXml(runJUnit(report, paths.markdown));
    expect(doc.testsuites).toMatchObject({ tests: '6', failures: '2', errors: '0', time: '3.133' });
    const [suite] = doc.testsuites.testsuite;
    expect(suite).toMatchObject({ name: 'contention (redis-lock)', tests: '6', failures: '2', time: '3.133', timestamp: '2025-03-01T14:05:02.871Z' });
    expect(suite!.properties.property).toContainEqual({ name: 'report', value: paths.markdown });
    expect(suite!.testcase.map((c) => [c.classname, c.name, c.failure?.message])).toEqual([
      ['ticketbench.checks', 'mysql-integrity (No double booking in MySQL)', undefined],
      ['ticketbench.checks', 'history-vs-db (Acknowledged holds match MySQL)', undefined],
      ['ticketbench.checks', 'redis-consistency (Redis seat state matches MySQL)', undefined],
      ['ticketbench.checks', 'kafka-events (Every confirmed booking published to Kafka once)', '12 duplicate events for 1 confirmed booking'],
      ['ticketbench.thresholds', 'http_req_duration{name:hold}:p(95)<50', 'measured 52.3 ms, limit < 50 ms'],
      ['ticketbench.thresholds', 'errors:rate<0.01', undefined],
    ]);
    const kafka = suite!.testcase[3]!.failure!;
    expect(kafka.type).toBe('fail');
    // The evidence keeps its `|` and null, and says how many rows were left out.
    expect(kafka['#text']).toContain('key=seat|A-1');
    expect(kafka['#text']).toContain('key=null');
    expect(kafka['#text']).toContain('9 more not shown');
  });

  it('reports an unknown check as a failure whose message starts with unknown', () => {
    const [first, ...rest] = passingChecks();
    const unknown: RunReport = { ...report, checks: [{ ...first!, verdict: 'unknown', summary: 'MySQL unreachable' }, ...rest], thresholds: [] };
    const c = parseXml(runJUnit(unknown)).testsuites.testsuite[0]!.testcase[0]!;
    expect(c.failure).toMatchObject({ message: 'unknown: MySQL unreachable', type: 'unknown' });
  });

  it('escapes markup, quotes, line breaks and characters XML cannot carry', () => {
    const nasty = `a<b>&"c"'d'\n\ttab\u0001\uD800end ]]> <!-- -->`;
    const [first] = passingChecks();
    const odd: RunReport = { ...report, scenario: nasty, checks: [{ ...first!, id: nasty, title: nasty, verdict: 'fail', summary: nasty, evidence: [{ text: nasty }], evidenceTotal: 1 }], thresholds: [] };
    const xml = runJUnit(odd);
    const c = parseXml(xml).testsuites.testsuite[0]!.testcase[0]!;
    expect(c.name).toContain('a<b>&"c"\'d\'');
    expect(c.failure!.message).toContain('a<b>&"c"\'d\'\n\ttab\uFFFD\uFFFDend ]]> <!-- -->');
    expect(escapeXml('<&>"\'\n')).toBe('&lt;&amp;&gt;&quot;&apos;&#10;');
    expect(escapeXml('x\ny', false)).toBe('x\ny');
  });

  it('records an error as one case in error', () => {
    const doc = parseXml(errorJUnit('compare', 'contention', '2025-03-01T14:05:02.871Z', { code: 'TARGET_START_FAILED', message: 'The bundled target did not start: <boom>.' }));
    expect(doc.testsuites).toMatchObject({ tests: '1', failures: '0', errors: '1' });
    expect(doc.testsuites.testsuite[0]!.testcase[0]).toMatchObject({ classname: 'ticketbench.run', name: 'compare contention', error: { message: 'The bundled target did not start: <boom>.', type: 'TARGET_START_FAILED' } });
  });
});

describe('compare outputs', () => {
  const safeRun = { label: 'redis-lock', strategy: 'redis-lock', round: 1, safe: true, report: { ...report, checks: passingChecks(), verdict: 'pass' as const }, paths };
  const unsafeRun = { label: 'none', strategy: 'none', round: 1, safe: false, report: { ...report, options: { strategy: 'none' } }, paths };
  const result = { format: 1, kind: 'compare', scenario: 'contention', labels: ['redis-lock', 'none'], repeat: 1, startedAt: report.startedAt, endedAt: report.endedAt, interrupted: false, runs: [safeRun, unsafeRun] } as unknown as CompareResult;

  it('JUnit: one suite per run; an unsafe strategy failing its checks is expected, its thresholds are not', () => {
    const suites = parseXml(compareJUnit(result)).testsuites.testsuite;
    expect(suites.map((s) => [s.name, s.failures])).toEqual([
      ['contention redis-lock', '1'],
      ['contention none', '1'],
    ]);
    const kafka = suites[1]!.testcase[3]!;
    expect(kafka.failure).toBeUndefined();
    expect(kafka.name).toBe('kafka-events (Every confirmed booking published to Kafka once) [unsafe strategy: failure expected]');
    expect(kafka['system-out']).toMatch(/^fail: 12 duplicate events/);
    expect(suites[1]!.testcase.filter((c) => c.failure).map((c) => c.name)).toEqual(['http_req_duration{name:hold}:p(95)<50']);
  });

  it('summary JSON: every run with its label, round and safety, and the comparison files', () => {
    const s = compareSummaryJson(result, { markdown: 'c.md', json: 'c.json', charts: ['a.svg'] }, 3);
    expect(s).toMatchObject({ command: 'compare', exitCode: 3, exitCodeName: 'THRESHOLDS_FAILED', strategies: ['redis-lock', 'none'], interrupted: false, reports: { charts: ['a.svg'] } });
    expect(s.runs.map((r) => [r.label, r.strategy, r.safe, r.round, r.checksVerdict])).toEqual([
      ['redis-lock', 'redis-lock', true, 1, 'pass'],
      ['none', 'none', false, 1, 'fail'],
    ]);
  });
});

describe('the nemesis in --summary-json and --junit', () => {
  const nemesis = {
    faults: ['kill-target', 'restart-redis'],
    schedule: { afterMs: 2_000, faultMs: 2_000, healMs: 3_000 },
    seed: 42,
    timeline: [
      { fault: 'kill-target', target: 'http://127.0.0.1:4021 (pid 1234)', startMs: 2_001, endMs: 4_050, detail: 'SIGKILL; gone; restarted as pid 1240', opsInfo: 17, firstOkAfterHealMs: 12 },
      { fault: 'restart-redis', target: '-', startMs: 7_050, endMs: 7_060, detail: 'could not inject: this Redis writes RDB snapshots or an AOF', opsInfo: 0, firstOkAfterHealMs: null },
    ],
  };
  const faulted = { ...report, nemesis } satisfies RunReport;

  it('the summary carries the faults, schedule, seed and timeline', () => {
    expect(runSummaryJson(faulted, paths, 1).nemesis).toEqual(nemesis);
    expect(runSummaryJson(report, paths, 1)).not.toHaveProperty('nemesis');
  });

  it('JUnit has a case per fault with what happened; a fault the nemesis could not inject is an error', () => {
    const suite = parseXml(runJUnit(faulted, paths.markdown)).testsuites.testsuite[0]!;
    expect(suite.properties.property).toEqual(expect.arrayContaining([{ name: 'nemesis.faults', value: 'kill-target,restart-redis' }, { name: 'nemesis.seed', value: '42' }]));
    const faults = suite.testcase.filter((c) => c.classname === 'ticketbench.nemesis');
    expect(faults.map((c) => c.name)).toEqual(['kill-target on http://127.0.0.1:4021 (pid 1234) at 2.00 s', 'restart-redis on - at 7.05 s']);
    expect(faults[0]!['system-out']).toBe('SIGKILL; gone; restarted as pid 1240; 17 ops info; first ok after heal: 12 ms');
    expect(faults[0]).not.toHaveProperty('error');
    expect(faults[1]!.error).toEqual({ message: 'could not inject: this Redis writes RDB snapshots or an AOF', type: 'nemesis' });
  });
});
