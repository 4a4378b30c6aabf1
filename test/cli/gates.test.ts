// CI gates end to end through the real executable against the real MySQL, Redis and Kafka:
// thresholds decide exit 3 while the checks pass, a real double booking gives exit 1 even when a
// threshold fails too, an abortOnFail breach and Ctrl-C stop the load early with exit 5, and
// --summary-json / --junit write what happened (the XML parsed back). Bad thresholds exit 2.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import type { CompareSummaryJson, RunSummaryJson } from '../../src/report/summary-json.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ticketbench-gates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The JUnit document parsed back, after checking it is well-formed XML. */
function readJUnit(file: string) {
  const xml = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });
  return parser.parse(xml) as {
    testsuites: {
      tests: string;
      failures: string;
      testsuite: { name: string; tests: string; failures: string; time: string; testcase: { classname: string; name: string; failure?: { message: string; '#text'?: string }; 'system-out'?: string }[] }[];
    };
  };
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('bad thresholds', () => {
  it.each([
    [['run', 'contention', '--threshold', 'http_req_latency:p(95)<5'], /^ticketbench: --threshold "http_req_latency:p\(95\)<5": unknown metric "http_req_latency"; known: /],
    [['run', 'contention', '--threshold', 'http_req_duration:p(95)'], /missing comparison after p\(95\)/],
    [['run', 'contention', '--threshold', 'errors{name:hold}:rate<0.01'], /errors takes no tags/],
    [['run', 'contention', '--threshold', 'errors:rate<0.01', '--threshold', 'http_reqs:avg<5'], /http_reqs has no aggregation "avg"; it takes count, rate\./],
    [['compare', 'contention', '--strategies', 'redis-lock', '--threshold', 'http_req_duration:p(95)<5s'], /limit "5s" must be a plain number \(milliseconds\)/],
  ])('%j → exit 2 with one line, before any server starts', async (args, pattern) => {
    const result = await cli([...args, '--summary-json', path.join(dir, 'never.json')]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(result.stdout).toBe('');
  });
});

describe('ticketbench run contention --ci with CI gates', () => {
  it('a threshold that must fail gives exit 3 while every check passes; summary JSON and JUnit say so', async () => {
    const summary = path.join(dir, 'threshold', 'summary.json');
    const junit = path.join(dir, 'threshold', 'junit.xml');
    const result = await cli(['run', 'contention', '--ci', '--vus', '10', '--threshold', 'http_req_duration:p(95)<0.001', '--summary-json', summary, '--junit', junit, '--out', dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/│ http_req_duration:p\(95\)<0\.001 +│ +[\d.,]+ ms +│ < 0\.001 ms +│ FAIL +│/);
    expect(result.stdout).toMatch(/│ errors:rate<0\.01 +│ 0\.0000 \(0\.00%\) +│ < 0\.01 +│ PASS +│/);
    expect(result.stdout).toMatch(/\nFAIL: 6\/6 checks passed · 1\/2 thresholds passed · report .*contention\.md\n$/);

    const s = readJson<RunSummaryJson>(summary);
    expect(s).toMatchObject({ format: 1, command: 'run', verdict: 'fail', exitCode: 3, exitCodeName: 'THRESHOLDS_FAILED', scenario: 'contention', strategy: 'redis-lock', checksVerdict: 'pass' });
    expect(s.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['double-booking', 'pass'],
      ['hold-overlap', 'pass'],
      ['history-vs-mysql', 'pass'],
      ['orphan-locks', 'pass'],
      ['kafka-events', 'pass'],
      ['sell-out', 'pass'],
    ]);
    expect(s.thresholds.map((t) => [t.expression, t.source, t.passed])).toEqual([
      ['errors:rate<0.01', 'scenario', true],
      ['http_req_duration:p(95)<0.001', 'cli', false],
    ]);
    expect(s.thresholds[1]!.actual).toBeGreaterThan(0.001);
    expect(s.load.requests).toBe(11);
    expect(s.load.status).toMatchObject({ ok: 2, conflict: 9, error: 0 });
    expect(s.load.p95Ms).toBe(s.thresholds[1]!.actual);
    expect(readFileSync(s.reports.markdown, 'utf8')).toContain('## Thresholds');
    expect(readJson<{ thresholds: unknown[] }>(s.reports.json).thresholds).toHaveLength(2);
    expect(Date.parse(s.endedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));

    const doc = readJUnit(junit);
    expect(doc.testsuites).toMatchObject({ tests: '8', failures: '1' });
    const [suite] = doc.testsuites.testsuite;
    expect(suite!.name).toBe('contention (redis-lock)');
    expect(Number(suite!.time)).toBeGreaterThan(0);
    expect(suite!.testcase.filter((c) => c.classname === 'ticketbench.checks')).toHaveLength(6);
    const failed = suite!.testcase.filter((c) => c.failure);
    expect(failed.map((c) => [c.classname, c.name])).toEqual([['ticketbench.thresholds', 'http_req_duration:p(95)<0.001']]);
    expect(failed[0]!.failure!.message).toMatch(/^measured [\d.,]+ ms, limit < 0\.001 ms$/);
  }, 120_000);

  it('a real double booking gives exit 1 even though a threshold fails too: correctness beats speed', async () => {
    const summary = path.join(dir, 'none', 'summary.json');
    const junit = path.join(dir, 'none', 'junit.xml');
    const result = await cli(['run', 'contention', '--ci', '--strategy', 'none', '--vus', '60', '--threshold', 'http_req_duration:p(95)<0.001', '--summary-json', summary, '--junit', junit, '--out', dir]);
    expect(result.code, result.stdout).toBe(1);
    // How many checks the race breaks varies from run to run; double-booking always does.
    expect(result.stdout).toMatch(/\nFAIL: [0-5]\/6 checks passed, [1-6] failed.* · 1\/2 thresholds passed · report /);
    const s = readJson<RunSummaryJson>(summary);
    expect(s).toMatchObject({ exitCode: 1, exitCodeName: 'CHECKS_FAILED', strategy: 'none', checksVerdict: 'fail' });
    const doubleBooking = s.checks.find((c) => c.id === 'double-booking')!;
    expect(doubleBooking.verdict).toBe('fail');
    expect(doubleBooking.counts['doubleBookedSeats']).toBe(1);
    const failures = readJUnit(junit).testsuites.testsuite[0]!.testcase.filter((c) => c.failure);
    expect(failures[0]!.name).toMatch(/^double-booking \(/);
    expect(failures.at(-1)!.name).toBe('http_req_duration:p(95)<0.001');
    expect(failures[0]!.failure!['#text']).toContain('doubleBookedSeats=1');
  }, 120_000);

  it('an abortOnFail breach stops a 20 s load within a second or so: exit 5', async () => {
    const summary = path.join(dir, 'abort', 'summary.json');
    const result = await cli(['run', 'contention', '--ci', '--vus', '10', '--duration', '20s', '--threshold', 'http_reqs:count<5:abortOnFail', '--summary-json', summary, '--out', dir]);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(5);
    expect(result.stdout).toMatch(/ {2}threshold http_reqs:count<5:abortOnFail breached after [\d.]+ (ms|s) \(\d+\): stopping the load \(abortOnFail\)\n/);
    expect(result.stdout).toMatch(/│ http_reqs:count<5:abortOnFail +│ +[\d,]+ +│ < 5 +│ FAIL \(stopped the load after [\d.]+ (ms|s)\) +│/);
    expect(result.stdout).toMatch(/\nABORTED: 6\/6 checks passed · 1\/2 thresholds passed · stopped early: threshold http_reqs:count<5:abortOnFail breached after .* of load · report /);
    const s = readJson<RunSummaryJson>(summary);
    expect(s).toMatchObject({ exitCode: 5, exitCodeName: 'ABORTED', checksVerdict: 'pass', aborted: { reason: expect.stringMatching(/^threshold http_reqs:count<5:abortOnFail breached/) } });
    // The load phase, not the whole command: infra, target start and checks take their own time.
    expect(s.load.durationMs).toBeLessThan(5_000);
    expect(s.thresholds.find((t) => t.abortOnFail)?.breachedAtMs).toBeLessThan(5_000);
  }, 120_000);

  it('Ctrl-C during the load stops it, still checks and reports: exit 5', async () => {
    const summary = path.join(dir, 'sigint', 'summary.json');
    let sent = false;
    const result = await cli(['run', 'contention', '--ci', '--vus', '10', '--duration', '20s', '--summary-json', summary, '--out', dir], (out, child) => {
      if (!sent && out.includes('[load] 10 VUs')) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), 500);
      }
    });
    expect(sent, `${result.stdout}\n${result.stderr}`).toBe(true);
    expect(result.code).toBe(5);
    expect(result.stdout).toContain('interrupted: stopping the load');
    expect(result.stdout).toMatch(/\nABORTED: 6\/6 checks passed · 1\/1 thresholds passed · stopped early: interrupted · report /);
    const s = readJson<RunSummaryJson>(summary);
    expect(s).toMatchObject({ exitCode: 5, exitCodeName: 'ABORTED', aborted: { reason: 'interrupted' } });
    expect(s.load.durationMs).toBeLessThan(10_000);
  }, 120_000);

  it('a target that cannot be reached gives exit 4 and says so in the summary JSON and JUnit', async () => {
    const summary = path.join(dir, 'dead', 'summary.json');
    const junit = path.join(dir, 'dead', 'junit.xml');
    const result = await cli(['run', 'contention', '--ci', '--no-infra', '--target-url', 'http://127.0.0.1:9', '--vus', '2', '--summary-json', summary, '--junit', junit, '--out', dir]);
    expect(result.code).toBe(4);
    expect(readJson<{ verdict: string; exitCodeName: string; error: { code: string } }>(summary)).toMatchObject({ verdict: 'error', exitCode: 4, exitCodeName: 'INFRA_UNAVAILABLE', error: { code: 'SETUP_FAILED' } });
    const doc = readJUnit(junit);
    expect(doc.testsuites.testsuite[0]!.testcase[0]).toMatchObject({ classname: 'ticketbench.run', name: 'run contention' });
  }, 60_000);
});

describe('ticketbench compare --ci with CI gates', () => {
  it('applies thresholds to each run: exit 3, while the unsafe strategy failing its checks stays expected', async () => {
    const summary = path.join(dir, 'compare', 'summary.json');
    const junit = path.join(dir, 'compare', 'junit.xml');
    const result = await cli([
      'compare', 'contention', '--ci', '--strategies', 'none,redis-lock', '--vus', '60',
      '--threshold', 'http_req_duration:p(95)<0.001', '--summary-json', summary, '--junit', junit, '--out', dir,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/\[2\/2 redis-lock\] FAIL 6\/6 checks passed · 1\/2 thresholds passed · /);
    expect(result.stdout).toMatch(/\nthresholds: none 1\/2 thresholds passed \(failed: http_req_duration:p\(95\)<0\.001\) · redis-lock 1\/2 thresholds passed \(failed: http_req_duration:p\(95\)<0\.001\)\n/);

    const s = readJson<CompareSummaryJson>(summary);
    expect(s).toMatchObject({ command: 'compare', exitCode: 3, exitCodeName: 'THRESHOLDS_FAILED', strategies: ['none', 'redis-lock'], interrupted: false });
    expect(s.runs.map((r) => [r.label, r.safe, r.checksVerdict, r.thresholds.map((t) => t.passed)])).toEqual([
      ['none', false, 'fail', [true, false]],
      ['redis-lock', true, 'pass', [true, false]],
    ]);
    expect(s.reports.charts.length).toBeGreaterThan(0);

    const suites = readJUnit(junit).testsuites.testsuite;
    expect(suites.map((x) => x.name)).toEqual(['contention none', 'contention redis-lock']);
    // The unsafe strategy's caught race is what it is run for: not a failure.
    expect(suites[0]!.testcase.filter((c) => c.failure).map((c) => c.name)).toEqual(['http_req_duration:p(95)<0.001']);
    expect(suites[0]!.testcase.find((c) => c.name.startsWith('double-booking'))?.name).toMatch(/\[unsafe strategy: failure expected\]$/);
    expect(suites[1]!.testcase.filter((c) => c.failure).map((c) => c.name)).toEqual(['http_req_duration:p(95)<0.001']);
  }, 180_000);
});
