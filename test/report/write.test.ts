import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { chartFileNames, fileTimestamp, reportBaseName, writeReport } from '../../src/report/write.ts';
import { sampleRunReport } from '../fixtures/run-report.ts';

describe('renderJson', () => {
  it('is pretty, keeps key order and round-trips', () => {
    const report = sampleRunReport();
    const json = renderJson(report);
    expect(json.startsWith('{\n  "format": 1,\n  "scenario": "contention",\n  "description"')).toBe(true);
    expect(json.endsWith('}\n')).toBe(true);
    expect(JSON.parse(json)).toEqual(report);
  });
});

describe('writeReport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ticketbench-report-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names files from startedAt in UTC and the scenario', () => {
    expect(fileTimestamp('2025-03-01T14:05:02.871Z')).toBe('20250301-140502');
    expect(fileTimestamp('2025-03-01T23:30:00+09:00')).toBe('20250301-143000');
    expect(reportBaseName({ startedAt: '2025-03-01T14:05:02.871Z', scenario: 'contention' })).toBe('20250301-140502-contention');
    expect(reportBaseName({ startedAt: '2025-03-01T14:05:02Z', scenario: '../a b/c' })).toBe('20250301-140502-a-b-c');
    expect(() => fileTimestamp('yesterday')).toThrow(RangeError);
  });

  it('creates the directory and writes JSON, markdown and the three charts it links', async () => {
    const out = path.join(dir, 'nested', 'reports');
    const report = sampleRunReport();
    const paths = await writeReport(report, out);
    expect(paths).toEqual({
      json: path.join(out, '20250301-140502-contention.json'),
      markdown: path.join(out, '20250301-140502-contention.md'),
      charts: {
        latency: path.join(out, '20250301-140502-contention-latency.svg'),
        tps: path.join(out, '20250301-140502-contention-tps.svg'),
        distribution: path.join(out, '20250301-140502-contention-distribution.svg'),
      },
    });
    expect(await readFile(paths.json, 'utf8')).toBe(renderJson(report));
    const markdown = await readFile(paths.markdown, 'utf8');
    expect(markdown).toBe(renderMarkdown(report, chartFileNames('20250301-140502-contention')));
    expect(markdown).toContain(
      [
        '## Charts',
        '',
        '![Latency percentiles p50, p95 and p99 per second of the run (ms)](20250301-140502-contention-latency.svg)',
        '',
        '![Requests completed per second of the run (TPS)](20250301-140502-contention-tps.svg)',
        '',
        '![Latency distribution of every request (ms, log scale)](20250301-140502-contention-distribution.svg)',
      ].join('\n'),
    );
    for (const [kind, title] of [['latency', 'Latency per second (ms)'], ['tps', 'Requests per second (TPS)'], ['distribution', 'Latency distribution']] as const) {
      const svg = await readFile(paths.charts[kind], 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain(title);
    }
  });

  it('never overwrites: appends -2, -3 and keeps the set together', async () => {
    const report = sampleRunReport();
    const first = await writeReport(report, dir);
    const second = await writeReport(report, dir);
    expect(second.json).toBe(path.join(dir, '20250301-140502-contention-2.json'));
    expect(second.markdown).toBe(path.join(dir, '20250301-140502-contention-2.md'));
    expect(second.charts.tps).toBe(path.join(dir, '20250301-140502-contention-2-tps.svg'));
    expect(await readFile(second.markdown, 'utf8')).toContain('](20250301-140502-contention-2-tps.svg)');
    // A stray markdown file under -3 forces the next pair to -4, and the -3 file stays untouched.
    await writeFile(path.join(dir, '20250301-140502-contention-3.md'), 'someone else');
    const fourth = await writeReport(report, dir);
    expect(fourth.markdown).toBe(path.join(dir, '20250301-140502-contention-4.md'));
    expect(await readFile(path.join(dir, '20250301-140502-contention-3.md'), 'utf8')).toBe('someone else');
    expect(await readFile(first.json, 'utf8')).toBe(renderJson(report));
    const set = (stem: string) => [`${stem}-distribution.svg`, `${stem}-latency.svg`, `${stem}-tps.svg`, `${stem}.json`, `${stem}.md`];
    expect((await readdir(dir)).sort()).toEqual(
      [...set('20250301-140502-contention'), ...set('20250301-140502-contention-2'), '20250301-140502-contention-3.md', ...set('20250301-140502-contention-4')].sort(),
    );
  });

  it('gives distinct names to concurrent writers', async () => {
    const report = sampleRunReport();
    const all = await Promise.all([writeReport(report, dir), writeReport(report, dir), writeReport(report, dir)]);
    expect(new Set(all.map((p) => p.markdown)).size).toBe(3);
    expect((await readdir(dir)).length).toBe(15);
  });
});
