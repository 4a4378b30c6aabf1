// `ticketbench report` through the real executable: re-rendering saved runs (markdown and charts),
// one line and exit 2 for every bad input, the before/after comparison with its exit code, and a
// real contention run whose report has the Charts section and its three SVG files.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import type { RunComparison } from '../../src/report/compare-runs.ts';
import { renderJson } from '../../src/report/json.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import type { RunReport } from '../../src/model/run-report.ts';
import { passingChecks, sampleRunReport } from '../fixtures/run-report.ts';

function expectOneLineError(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe('');
}

const dir = mkdtempSync(path.join(tmpdir(), 'ticketbench-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeRun(name: string, report: RunReport): string {
  const file = path.join(dir, name);
  writeFileSync(file, renderJson(report));
  return file;
}

/** The sample run with p95 scaled by `factor` (and nothing else changed). */
function withP95(factor: number): RunReport {
  const base = sampleRunReport();
  return { ...base, load: { ...base.load, latency: { ...base.load.latency, p95Ms: base.load.latency.p95Ms * factor } } };
}

describe('ticketbench report RUN.json', () => {
  it('re-renders the markdown and its charts next to the input and prints the paths', async () => {
    const file = writeRun('20250301-140502-contention.json', sampleRunReport());
    const result = await cli(['report', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const md = path.join(dir, '20250301-140502-contention.md');
    const charts = ['latency', 'tps', 'distribution'].map((k) => path.join(dir, `20250301-140502-contention-${k}.svg`));
    expect(result.stdout).toBe([`report  ${md}`, ...charts.map((c) => `chart   ${c}`)].join('\n') + '\n');
    const markdown = readFileSync(md, 'utf8');
    expect(markdown).toBe(
      renderMarkdown(sampleRunReport(), {
        latency: '20250301-140502-contention-latency.svg',
        tps: '20250301-140502-contention-tps.svg',
        distribution: '20250301-140502-contention-distribution.svg',
      }),
    );
    expect(markdown).toContain('## Charts');
    for (const chart of charts) expect(readFileSync(chart, 'utf8').startsWith('<svg')).toBe(true);

    // Never overwrites: a second rendering moves to -2.
    const again = await cli(['report', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`report  ${path.join(dir, '20250301-140502-contention-2.md')}`);
  });

  it('writes into --out, one set per input', async () => {
    const a = writeRun('a.json', sampleRunReport());
    const b = writeRun('b.json', withP95(2));
    const out = path.join(dir, 'out');
    const result = await cli(['report', a, b, '--out', out]);
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['a-distribution.svg', 'a-latency.svg', 'a-tps.svg', 'a.md', 'b-distribution.svg', 'b-latency.svg', 'b-tps.svg', 'b.md']);
  });

  it.each([
    ['missing file', () => path.join(dir, 'nope.json'), /^ticketbench: Cannot read run report .*nope\.json: no such file\.$/],
    ['not JSON', () => writeFileSync(path.join(dir, 'garbage.json'), 'hello {') ?? path.join(dir, 'garbage.json'), /garbage\.json is not JSON \(/],
    ['not a run report', () => writeFileSync(path.join(dir, 'pkg.json'), '{"name":"x"}') ?? path.join(dir, 'pkg.json'), /pkg\.json is not a ticketbench run report/],
    [
      'a run report with a wrong field',
      () => writeRun('wrong.json', { ...sampleRunReport(), verdict: 'maybe' } as unknown as RunReport),
      /wrong\.json is not a valid ticketbench run report: verdict: /,
    ],
    ['another format version', () => writeRun('v2.json', { ...sampleRunReport(), format: 2 } as unknown as RunReport), /v2\.json is a run report of format 2; this ticketbench reads format 1/],
    [
      'a compare report',
      () => writeFileSync(path.join(dir, 'cmp.json'), JSON.stringify({ format: 1, kind: 'compare', scenario: 'contention', runs: [] })) ?? path.join(dir, 'cmp.json'),
      /cmp\.json is a compare report \(written by `ticketbench compare`\), not a run report/,
    ],
  ])('%s → exit 2 with one line naming the file', async (_name, make, pattern) => {
    expectOneLineError(await cli(['report', make()]), pattern);
  });

  it('validates every input before writing anything', async () => {
    const good = writeRun('good.json', sampleRunReport());
    const out = path.join(dir, 'never');
    expectOneLineError(await cli(['report', good, path.join(dir, 'nope.json'), '--out', out]), /nope\.json: no such file/);
    expect(() => readdirSync(out)).toThrow();
  });

  it.each([
    [['report'], /missing required argument 'files'/],
    [['report', '--compare', 'one.json'], /report --compare takes two run reports, BEFORE\.json AFTER\.json; got 1/],
    [['report', '--tolerance', '5', 'one.json'], /--tolerance applies only with --compare/],
    [['report', '--compare', '--tolerance', 'lots', 'a.json', 'b.json'], /--tolerance must be a percentage from 0 to 1000, e\.g\. 10 or 10%, got "lots"/],
  ])('%j → exit 2 with one line', async (args, pattern) => {
    expectOneLineError(await cli(args as string[]), pattern);
  });
});

describe('ticketbench report --compare BEFORE.json AFTER.json', () => {
  it('flags AFTER p95 30% worse as a regression: table with deltas, exit 3 (a speed regression), markdown and JSON written', async () => {
    const before = writeRun('before.json', sampleRunReport());
    const after = writeRun('after.json', withP95(1.3));
    const result = await cli(['report', '--compare', before, after]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/│ metric\s+│ before │ after │\s+Δ │\s+Δ % │ verdict\s+│/);
    expect(result.stdout).toMatch(/│ p95 ms\s+│\s+52\.3 │\s+68\.0 │\s+\+15\.7 │\s+\+30\.0% │ REGRESSION │/);
    expect(result.stdout).toMatch(/│ TPS\s+│\s+57\.4 │\s+57\.4 │\s+0\.0 │\s+0\.0% │ same/);
    expect(result.stdout).toMatch(/│ checks passed\s+│\s+3\/4 │\s+3\/4 │/);
    expect(result.stdout).toContain('REGRESSION: p95 ms is 30.0% higher (52.3 → 68.0), beyond the 10.0% tolerance');
    expect(result.stdout).not.toContain('warning:');
    const md = path.join(dir, 'after-vs-before.md');
    expect(result.stdout).toContain(`report  ${md}`);
    expect(readFileSync(md, 'utf8')).toContain('| p95 ms | 52.3 | 68.0 | +15.7 | +30.0% | REGRESSION |');
    const json = JSON.parse(readFileSync(path.join(dir, 'after-vs-before.json'), 'utf8')) as RunComparison;
    expect(json.kind).toBe('run-comparison');
    expect(json.rows.find((r) => r.id === 'p95')).toMatchObject({ before: 52.31, regression: true });
  });

  it('does not flag a change within the tolerance (exit 0), and --tolerance moves the line', async () => {
    const before = writeRun('before-tol.json', sampleRunReport());
    const after = writeRun('after-tol.json', withP95(1.05));
    const within = await cli(['report', '--compare', before, after, '--out', path.join(dir, 'tol')]);
    expect(within.code).toBe(0);
    expect(within.stdout).toMatch(/│ p95 ms\s+│\s+52\.3 │\s+54\.9 │\s+\+2\.62 │\s+\+5\.0% │ worse\s+│/);
    expect(within.stdout).toContain('no regression');
    const strict = await cli(['report', '--compare', before, after, '--tolerance', '2%', '--out', path.join(dir, 'tol')]);
    expect(strict.code).toBe(3);
    expect(strict.stdout).toContain('beyond the 2.0% tolerance');
  });

  it('exits 1 when a check that passed before fails after (correctness beats speed)', async () => {
    const before = writeRun('checks-before.json', sampleRunReport({ checks: passingChecks() }));
    const after = writeRun('checks-after.json', withP95(1.3));
    const result = await cli(['report', '--compare', before, after, '--out', path.join(dir, 'checks')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/│ checks passed\s+│\s+4\/4 │\s+3\/4 │/);
  });

  it('warns (without failing) when the runs differ in scenario, options, strategy or machine', async () => {
    const base = sampleRunReport();
    const before = writeRun('w-before.json', { ...base, options: { ...base.options, strategy: 'redis-lock' } });
    const after = writeRun('w-after.json', { ...base, scenario: 'flash-sale', options: { ...base.options, strategy: 'optimistic', vus: 40 }, machine: { ...base.machine, cores: 4 } });
    const result = await cli(['report', '--compare', before, after, '--out', path.join(dir, 'warn')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning: scenario differs: contention → flash-sale');
    expect(result.stdout).toContain('warning: strategy differs: redis-lock → optimistic');
    expect(result.stdout).toContain('warning: options differ: vus 80 → 40');
    expect(result.stdout).toContain('warning: machine differs: cores 2 → 4');
  });

  it('says a compare report is not a run report (exit 2)', async () => {
    const cmp = path.join(dir, 'cmp2.json');
    writeFileSync(cmp, JSON.stringify({ format: 1, kind: 'compare' }));
    expectOneLineError(await cli(['report', '--compare', writeRun('x.json', sampleRunReport()), cmp]), /cmp2\.json is a compare report/);
  });
});

describe('ticketbench run contention --ci --vus 20 (real servers)', () => {
  it('writes the markdown with its Charts section and the three SVG files; report re-renders the JSON', async () => {
    const out = path.join(dir, 'e2e');
    const result = await cli(['run', 'contention', '--ci', '--vus', '20', '--out', out]);
    expect(result.code).toBe(0);
    const files = readdirSync(out).sort();
    const md = files.find((f) => f.endsWith('-contention.md'))!;
    expect(md).toBeDefined();
    const base = md.slice(0, -'.md'.length);
    expect(files).toEqual([`${base}-distribution.svg`, `${base}-latency.svg`, `${base}-tps.svg`, `${base}.json`, `${base}.md`]);
    const markdown = readFileSync(path.join(out, md), 'utf8');
    expect(markdown).toContain('## Charts');
    for (const kind of ['latency', 'tps', 'distribution']) {
      expect(markdown).toContain(`](${base}-${kind}.svg)`);
      const svg = readFileSync(path.join(out, `${base}-${kind}.svg`), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
    }
    const report = JSON.parse(readFileSync(path.join(out, `${base}.json`), 'utf8')) as RunReport;
    expect(report.load.latencySeries!.map((s) => s.count)).toEqual(report.load.tpsSeries);
    expect(report.load.latencyDistribution!.reduce((n, b) => n + b.count, 0)).toBe(report.load.requests);

    const rerendered = await cli(['report', path.join(out, `${base}.json`)]);
    expect(rerendered.code).toBe(0);
    expect(rerendered.stdout).toContain(`report  ${path.join(out, `${base}-2.md`)}`);
  }, 240_000);
});
