import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompareResult } from '../../src/model/compare.ts';
import { latencyChartSpec, renderCombinedLatencyChartSvg, renderLatencyChartSvg } from '../../src/report/compare-chart.ts';
import { renderCompareJson } from '../../src/report/compare-json.ts';
import { renderCompareMarkdown } from '../../src/report/compare-markdown.ts';
import { chartFileParts, compareBaseName, writeCompareReport } from '../../src/report/compare-write.ts';
import { compareResultOf, runOf } from '../compare/helpers.ts';
import { expectWellFormedXml } from './xml.ts';

function sampleResult(): CompareResult {
  return compareResultOf([
    runOf('redis-lock', { tps: 100, p50: 2, p95: 10, p99: 20 }),
    runOf('none', { tps: 150, p50: 1, p95: 4, p99: 9, doubleBooked: 3, oversold: 3 }, { safe: false }),
    runOf('redis-lock#2', { tps: 90, p50: 2.5, p95: 11, p99: 25 }),
  ]);
}

describe('latency charts (vega-lite → SVG)', () => {
  it('draws one strategy as well-formed SVG naming the strategy', async () => {
    const result = sampleResult();
    const row = result.table.rows[2]!;
    const svg = await renderLatencyChartSvg(result.table, row);
    expect(svg.startsWith('<svg')).toBe(true);
    expectWellFormedXml(svg);
    expect(svg).toContain('redis-lock#2');
    for (const p of ['p50', 'p90', 'p95', 'p99', 'max']) expect(svg).toContain(`>${p}<`);
  });

  it('puts the percentiles in order with the medians in the spec', () => {
    const result = sampleResult();
    const spec = latencyChartSpec(result.table, result.table.rows[0]!) as { data: { values: { percentile: string; ms: number }[] } };
    expect(spec.data.values.map((v) => `${v.percentile}=${v.ms}`)).toEqual(['p50=2', 'p90=6', 'p95=10', 'p99=20', 'max=40']);
  });

  it('draws every strategy in one well-formed SVG', async () => {
    const svg = await renderCombinedLatencyChartSvg(sampleResult().table);
    expectWellFormedXml(svg);
    for (const label of ['redis-lock', 'none', 'redis-lock#2']) expect(svg).toContain(label);
  });
});

describe('compare markdown', () => {
  it('has the table with best values in bold, the unsafe sentence, the charts and the machine', () => {
    const md = renderCompareMarkdown(sampleResult(), { byLabel: { 'redis-lock': 'a-latency-redis-lock.svg' }, combined: 'a latency.svg' });
    expect(md).toContain('| strategy | safe? | TPS | p50 ms | p95 ms | p99 ms | ok | conflict | error | retries | oversold | double-booked | checks |');
    expect(md).toContain('| redis-lock (baseline) | yes | 100.0 | 2.00 | 10.0 | 20.0 | 2 | 78 | 0 | — | **0** | **0** | 3/3 |');
    expect(md).toContain('| none | no | **150.0** +50% | **1.00** -50% | **4.00** -60% | **9.00** -55% |');
    expect(md).toContain('- none double-booked 3 seats and sold 3 tickets beyond capacity: the checks caught the race');
    expect(md).toContain('![redis-lock latency percentiles](a-latency-redis-lock.svg)');
    expect(md).toContain('![latency percentiles of every strategy](a%20latency.svg)');
    expect(md).toContain("The load generator and the target shared this machine's 2 cores");
    expect(md).toContain('**Every strategy declared safe passed every check.**');
  });
});

describe('writeCompareReport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ticketbench-compare-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names files from the UTC start time, keeps chart names distinct', () => {
    expect(compareBaseName({ startedAt: '2025-03-01T14:05:02.871Z', scenario: 'flash-sale' })).toBe('20250301-140502-compare-flash-sale');
    expect(chartFileParts(['redis-lock', 'redis-lock#2', 'redis-lock-2', 'a b'])).toEqual(['redis-lock', 'redis-lock-2', 'redis-lock-2-2', 'a-b']);
  });

  it('writes markdown, JSON with every run and the table, and one SVG per strategy plus a combined one; never overwrites', async () => {
    const result = sampleResult();
    const first = await writeCompareReport(result, dir);
    expect(path.basename(first.markdown)).toBe('20250301-140502-compare-contention.md');
    expect(first.charts.map((c) => path.basename(c))).toEqual([
      '20250301-140502-compare-contention-latency-redis-lock.svg',
      '20250301-140502-compare-contention-latency-none.svg',
      '20250301-140502-compare-contention-latency-redis-lock-2.svg',
      '20250301-140502-compare-contention-latency.svg',
    ]);
    const json = JSON.parse(await readFile(first.json, 'utf8')) as CompareResult;
    expect(json.runs).toHaveLength(3);
    expect(json.runs[1]!.report.checks[0]!.counts['oversold']).toBe(3);
    expect(json.table.rows.map((r) => r.label)).toEqual(['redis-lock', 'none', 'redis-lock#2']);
    expect(await readFile(first.json, 'utf8')).toBe(renderCompareJson(result));
    const md = await readFile(first.markdown, 'utf8');
    for (const chart of first.charts) {
      expect(md).toContain(`](${path.basename(chart)})`);
      expectWellFormedXml(await readFile(chart, 'utf8'));
    }

    const second = await writeCompareReport(result, dir);
    expect(path.basename(second.markdown)).toBe('20250301-140502-compare-contention-2.md');
    expect(path.basename(second.charts[0]!)).toBe('20250301-140502-compare-contention-2-latency-redis-lock.svg');
    expect(await readFile(second.markdown, 'utf8')).toContain('](20250301-140502-compare-contention-2-latency-redis-lock.svg)');
    expect(await readFile(first.markdown, 'utf8')).toBe(md);
    expect((await readdir(dir)).length).toBe(12);
    expect(existsSync(second.json)).toBe(true);
  });
});
