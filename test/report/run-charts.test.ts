// The charts of one run's report: specs read as data, SVGs checked as well-formed XML with their
// titles, and the set of files writeReport / writeRenderedReport put beside the markdown.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../src/engine/types.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { latencyDistributionSpec, latencyOverTimeSpec, renderRunChartSvgs, RUN_CHARTS, tpsOverTimeSpec } from '../../src/report/run-charts.ts';
import { writeRenderedReport, writeReport } from '../../src/report/write.ts';
import type { RunReport } from '../../src/model/run-report.ts';
import { sampleRunReport } from '../fixtures/run-report.ts';
import { expectWellFormedXml } from './xml.ts';

/** The inline data values of a single-view spec, or of layer `i`. */
function values(spec: object, layer?: number): Record<string, unknown>[] {
  const view = (layer === undefined ? spec : (spec as { layer: object[] }).layer[layer]) as { data: { values: Record<string, unknown>[] } };
  return view.data.values;
}

function withLoad(load: Partial<LoadSummary>): RunReport {
  const base = sampleRunReport();
  return { ...base, load: { ...base.load, ...load } };
}

/** The sample report as a file written before the series and distribution were recorded. */
function withoutSeries(): RunReport {
  const { latencySeries: _s, latencyDistribution: _d, ...load } = sampleRunReport().load;
  return { ...sampleRunReport(), load };
}

describe('run chart specs', () => {
  it('latency per second: one point per percentile per second with completions, in the middle of its second', () => {
    const spec = latencyOverTimeSpec(withLoad({ tpsSeries: [63, 0, 18], latencySeries: [
      { count: 63, p50Ms: 9.2, p95Ms: 48.5, p99Ms: 96.1 },
      { count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 },
      { count: 18, p50Ms: 12.4, p95Ms: 97.5, p99Ms: 1203.4 },
    ] }));
    expect(spec.title).toMatchObject({ text: 'Latency per second (ms)' });
    expect(values(spec)).toEqual([
      { t: 0.5, second: 0, percentile: 'p50', ms: 9.2 },
      { t: 0.5, second: 0, percentile: 'p95', ms: 48.5 },
      { t: 0.5, second: 0, percentile: 'p99', ms: 96.1 },
      { t: 2.5, second: 2, percentile: 'p50', ms: 12.4 },
      { t: 2.5, second: 2, percentile: 'p95', ms: 97.5 },
      { t: 2.5, second: 2, percentile: 'p99', ms: 1203.4 },
    ]);
  });

  it('requests per second: every second, zeros included', () => {
    const spec = tpsOverTimeSpec(withLoad({ tpsSeries: [63, 0, 18] }));
    expect(spec.title).toMatchObject({ text: 'Requests per second (TPS)' });
    expect(values(spec)).toEqual([
      { t: 0.5, second: 0, requests: 63 },
      { t: 1.5, second: 1, requests: 0 },
      { t: 2.5, second: 2, requests: 18 },
    ]);
  });

  it('distribution: one bar per bucket on a log axis, with the run percentiles as rules', () => {
    const spec = latencyDistributionSpec(sampleRunReport());
    expect(spec.title).toMatchObject({ text: 'Latency distribution' });
    expect(values(spec, 0)).toEqual(sampleRunReport().load.latencyDistribution);
    expect(values(spec, 1)).toEqual([
      { percentile: 'p50', ms: 9.876 },
      { percentile: 'p95', ms: 52.31 },
      { percentile: 'p99', ms: 97.5 },
    ]);
    expect(JSON.stringify(spec)).toContain('"type":"log"');
  });

  it('a report without the series still gets every chart, saying what is missing', () => {
    const report = withoutSeries();
    expect(values(latencyOverTimeSpec(report))).toEqual([]);
    expect((latencyOverTimeSpec(report).title as { subtitle: string[] }).subtitle).toContain('not recorded in this report');
    expect(values(latencyDistributionSpec(report), 0)).toEqual([]);
  });
});

describe('run chart SVGs', () => {
  it('are well-formed SVG documents with their titles, also for a one-second run and an old report', async () => {
    const oneSecond = withLoad({
      durationMs: 412,
      tpsSeries: [81],
      latencySeries: [{ count: 81, p50Ms: 9.8, p95Ms: 52.3, p99Ms: 97.5 }],
      latencyDistribution: [{ fromMs: 1.2, toMs: 1205, count: 81 }],
    });
    for (const report of [sampleRunReport(), oneSecond, withoutSeries()]) {
      const svgs = await renderRunChartSvgs(report);
      for (const [kind, title] of [['latency', 'Latency per second (ms)'], ['tps', 'Requests per second (TPS)'], ['distribution', 'Latency distribution']] as const) {
        const svg = svgs[kind];
        expect(svg.startsWith('<svg')).toBe(true);
        expectWellFormedXml(svg);
        expect(svg).toContain(title);
      }
      // The one point of a one-second run is drawn (vega draws points as paths inside the mark group).
      if (report === oneSecond) expect(svgs.tps).toMatch(/mark-symbol/);
    }
  });
});

describe('the nemesis on the charts', () => {
  const faulted: RunReport = {
    ...sampleRunReport(),
    nemesis: {
      faults: ['kill-target', 'pause-redis'],
      schedule: { afterMs: 300, faultMs: 500, healMs: 200 },
      seed: 7,
      timeline: [
        { fault: 'kill-target', target: 'http://127.0.0.1:4021 (pid 1234)', startMs: 300, endMs: 810, detail: 'SIGKILL; gone; restarted as pid 1240', opsInfo: 3, firstOkAfterHealMs: 4 },
        { fault: 'pause-redis', target: 'redis 127.0.0.1:6379', startMs: 1_010, endMs: 1_400, detail: 'CLIENT PAUSE 500 ALL; lifted by Redis', opsInfo: 0, firstOkAfterHealMs: 1 },
      ],
    },
  };

  it('shades each fault interval (s since the load started) behind the latency and TPS series, coloured by fault', async () => {
    for (const spec of [latencyOverTimeSpec(faulted), tpsOverTimeSpec(faulted)]) {
      expect(values(spec, 0)).toEqual([
        { from: 0.3, to: 0.81, fault: 'kill-target', target: 'http://127.0.0.1:4021 (pid 1234)' },
        { from: 1.01, to: 1.4, fault: 'pause-redis', target: 'redis 127.0.0.1:6379' },
      ]);
      expect((spec as { layer: { mark: { type: string } }[] }).layer.map((l) => l.mark.type)).toEqual(['rect', 'line']);
      expect(JSON.stringify(spec)).toContain('shaded: the nemesis');
    }
    expect(values(tpsOverTimeSpec(faulted), 1)).toEqual(values(tpsOverTimeSpec(sampleRunReport())));
    const svgs = await renderRunChartSvgs(faulted);
    expectWellFormedXml(svgs.latency);
    expect(svgs.tps).toContain('pause-redis');
  });
});

describe('writing the charts', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ticketbench-run-charts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('moves the whole set to -2 when only a chart name is taken', async () => {
    await writeFile(path.join(dir, '20250301-140502-contention-distribution.svg'), 'someone else');
    const paths = await writeReport(sampleRunReport(), dir);
    expect(paths.markdown).toBe(path.join(dir, '20250301-140502-contention-2.md'));
    expect(paths.charts.distribution).toBe(path.join(dir, '20250301-140502-contention-2-distribution.svg'));
    expect(await readFile(path.join(dir, '20250301-140502-contention-distribution.svg'), 'utf8')).toBe('someone else');
    // Nothing of the first attempt was left behind.
    expect((await readdir(dir)).filter((f) => !f.includes('-2'))).toEqual(['20250301-140502-contention-distribution.svg']);
  });

  it('writeRenderedReport writes the markdown and charts under the given base, without a JSON copy', async () => {
    const report = sampleRunReport();
    const first = await writeRenderedReport(report, dir, 'before run');
    expect(first.markdown).toBe(path.join(dir, 'before run.md'));
    const markdown = await readFile(first.markdown, 'utf8');
    expect(markdown).toBe(renderMarkdown(report, { latency: 'before run-latency.svg', tps: 'before run-tps.svg', distribution: 'before run-distribution.svg' }));
    // A space would end the link early.
    expect(markdown).toContain('](before%20run-latency.svg)');
    const second = await writeRenderedReport(report, dir, 'before run');
    expect(second.markdown).toBe(path.join(dir, 'before run-2.md'));
    expect((await readdir(dir)).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(RUN_CHARTS.map((c) => c.kind)).toEqual(['latency', 'tps', 'distribution']);
  });
});
