// Thresholds are shown apart from the checks everywhere: the plain printer's table and final
// line, the markdown report's "Thresholds" section and verdict line, the Ink final summary, and
// for compare the plain and Ink summaries and the comparison report.
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { StrategyRun } from '../../src/model/compare.ts';
import { renderCompareMarkdown } from '../../src/report/compare-markdown.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import type { ThresholdResult } from '../../src/model/run-report.ts';
import { formatCompareThresholds } from '../../src/ui/compare-plain.ts';
import { CompareSummary } from '../../src/ui/CompareSummary.tsx';
import { FinalSummary } from '../../src/ui/FinalSummary.tsx';
import { formatFinalLine, formatThresholds } from '../../src/ui/plain.ts';
import { compareResultOf, runOf } from '../compare/helpers.ts';
import { passingChecks, sampleRunReport } from '../fixtures/run-report.ts';

const paths = { json: 'reports/20250301-140502-contention.json', markdown: 'reports/20250301-140502-contention.md' };
const thresholds: ThresholdResult[] = [
  { expression: 'http_req_duration{name:hold}:p(95)<0.001', source: 'cli', actual: 52.31, passed: false, abortOnFail: false, operator: '<', limit: 0.001, unit: 'ms' },
  { expression: 'errors:rate<0.01', source: 'scenario', actual: 0.0125, passed: false, abortOnFail: false, operator: '<', limit: 0.01, unit: 'ratio' },
  { expression: 'http_reqs:rate>10', source: 'cli', actual: 57.365, passed: true, abortOnFail: false, operator: '>', limit: 10, unit: 'per-second' },
  { expression: 'http_reqs{name:refund}:count<5:abortOnFail', source: 'cli', actual: null, passed: false, abortOnFail: true, operator: '<', limit: 5, unit: 'count', breachedAtMs: 750 },
];
const checksPass = { checks: passingChecks(), verdict: 'pass' as const };

describe('plain printer', () => {
  it('prints a thresholds table: measured value, limit as written, result', () => {
    const out = formatThresholds(thresholds);
    expect(out).toMatch(/│ threshold +│ measured +│ limit +│ result +│/);
    expect(out).toMatch(/│ http_req_duration\{name:hold\}:p\(95\)<0\.001 +│ 52\.3 ms +│ < 0\.001 ms │ FAIL +│/);
    expect(out).toMatch(/│ errors:rate<0\.01 +│ 0\.0125 \(1\.25%\) +│ < 0\.01 +│ FAIL +│/);
    expect(out).toMatch(/│ http_reqs:rate>10 +│ 57\.4\/s +│ > 10\/s +│ PASS +│/);
    expect(out).toMatch(/│ http_reqs\{name:refund\}:count<5:abortOnFail │ no samples +│ < 5 +│ FAIL \(stopped the load after 750 ms\) │/);
    expect(formatThresholds([])).toBe('');
  });

  it('ends with both tallies; the outcome word fails on a threshold and says ABORTED when stopped early', () => {
    expect(formatFinalLine(sampleRunReport({ ...checksPass, thresholds: thresholds.slice(2, 3) }), paths)).toBe(`PASS: 4/4 checks passed · 1/1 thresholds passed · report ${paths.markdown}`);
    expect(formatFinalLine(sampleRunReport({ ...checksPass, thresholds: thresholds.slice(1, 3) }), paths)).toBe(`FAIL: 4/4 checks passed · 1/2 thresholds passed · report ${paths.markdown}`);
    expect(formatFinalLine(sampleRunReport({ thresholds: thresholds.slice(1, 3) }), paths)).toBe(`FAIL: 3/4 checks passed, 1 failed · 1/2 thresholds passed · report ${paths.markdown}`);
    expect(formatFinalLine(sampleRunReport({ ...checksPass, thresholds, aborted: { reason: 'threshold x breached after 750 ms of load' } }), paths)).toBe(
      `ABORTED: 4/4 checks passed · 1/4 thresholds passed · stopped early: threshold x breached after 750 ms of load · report ${paths.markdown}`,
    );
  });
});

describe('markdown report', () => {
  it('has a Thresholds section and a verdict line with both tallies', () => {
    const md = renderMarkdown(sampleRunReport({ ...checksPass, thresholds, aborted: { reason: 'threshold http_reqs{name:refund}:count<5:abortOnFail breached after 750 ms of load' } }));
    expect(md.split('\n')[0]).toBe('# ticketbench: contention — ABORTED');
    expect(md).toContain('**Verdict: ABORTED** (4/4 checks passed · 1/4 thresholds passed) · 57.4 TPS');
    expect(md).toContain('**Stopped early:** threshold http_reqs{name:refund}:count<5:abortOnFail breached after 750 ms of load; the checks judged what happened until then.');
    expect(md).toContain('| threshold | measured | limit | result | source |');
    expect(md).toContain('| `http_req_duration{name:hold}:p(95)<0.001` | 52.3 ms | < 0.001 ms | **FAIL** | cli |');
    expect(md).toContain('| `errors:rate<0.01` | 0.0125 (1.25%) | < 0.01 | **FAIL** | scenario |');
    expect(md).toContain('| `http_reqs:rate>10` | 57.4/s | > 10/s | PASS | cli |');
    expect(md).toContain('| `http_reqs{name:refund}:count<5:abortOnFail` | no samples | < 5 | **FAIL** (stopped the load after 750 ms) | cli |');
    expect(md.indexOf('## Thresholds')).toBeGreaterThan(md.indexOf('## Checks'));
    expect(renderMarkdown(sampleRunReport())).not.toContain('## Thresholds');
  });
});

describe('Ink final summary', () => {
  it('shows the outcome with both tallies, why the load stopped, and each threshold', () => {
    const report = sampleRunReport({ ...checksPass, thresholds: thresholds.slice(0, 3), aborted: { reason: 'interrupted' } });
    const { lastFrame, unmount } = render(<FinalSummary report={report} paths={paths} />);
    const frame = stripVTControlCharacters(lastFrame() ?? '');
    unmount();
    expect(frame).toContain('ABORTED  4/4 checks passed · 1/3 thresholds passed');
    expect(frame).toContain('stopped early: interrupted');
    expect(frame).toContain('✘ FAIL  http_req_duration{name:hold}:p(95)<0.001  52.3 ms (limit < 0.001 ms)');
    expect(frame).toContain('✔ PASS  http_reqs:rate>10  57.4/s (limit > 10/s)');
  });
});

describe('compare views and report', () => {
  const withThresholds = (run: StrategyRun, passed: boolean): StrategyRun => ({ ...run, report: { ...run.report, thresholds: [{ ...thresholds[0]!, passed, actual: passed ? 0.0005 : 52.31 }] } });
  const runs = [withThresholds(runOf('redis-lock', { tps: 100, p50: 2, p95: 10, p99: 20 }), true), withThresholds(runOf('none', { tps: 150, p50: 1, p95: 4, p99: 9, doubleBooked: 1, oversold: 1 }, { safe: false }), false)];
  const result = compareResultOf(runs);

  it('lists every run’s thresholds in the plain and Ink summaries and the markdown report', () => {
    expect(formatCompareThresholds(runs)).toBe('thresholds: redis-lock 1/1 thresholds passed · none 0/1 thresholds passed (failed: http_req_duration{name:hold}:p(95)<0.001)');
    expect(formatCompareThresholds([runOf('x', { tps: 1, p50: 1, p95: 1, p99: 1 })])).toBe('');
    const md = renderCompareMarkdown(result);
    expect(md).toContain('## Thresholds');
    expect(md).toContain('| none | `http_req_duration{name:hold}:p(95)<0.001` | 52.3 ms | < 0.001 ms | **FAIL** |');
    expect(md).toContain('| redis-lock | `http_req_duration{name:hold}:p(95)<0.001` | 0.00 ms | < 0.001 ms | PASS |');
    const { lastFrame, unmount } = render(<CompareSummary result={result} paths={{ markdown: 'c.md', json: 'c.json', charts: [] }} />);
    const frame = stripVTControlCharacters(lastFrame() ?? '');
    unmount();
    expect(frame).toContain('thresholds: redis-lock 1/1 thresholds passed · none 0/1 thresholds passed');
  });
});
