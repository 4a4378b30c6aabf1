// `ticketbench compare` through the real executable: bad input gets one line and exit 2 before
// any server starts; a real comparison of redis-lock with itself on the real MySQL, Redis and
// Kafka exits 0, prints the table and writes the report, JSON and SVG charts.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import type { CompareResult } from '../../src/model/compare.ts';

const outDir = mkdtempSync(path.join(tmpdir(), 'ticketbench-compare-cli-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('ticketbench compare usage errors', () => {
  it.each([
    [['compare', 'contention'], /required option '--strategies <list>' not specified/],
    [['compare', 'contention', '--strategies', ''], /--strategies needs at least one strategy/],
    [['compare', 'contention', '--strategies', ' , '], /--strategies "," has an empty name/],
    [['compare', 'contention', '--strategies', 'redis-lock,bogus'], /Unknown strategy "bogus" in --strategies; the bundled target has: .*redis-lock/],
    [['compare', 'contention', '--strategies', 'redis-lock', '--baseline', 'nope'], /--baseline "nope" is not one of the compared strategies: redis-lock/],
    [['compare', 'contention', '--strategies', 'redis-lock', '--repeat', '0'], /--repeat must be an integer from 1 to 100, got "0"/],
    [['compare', 'contention', '--strategies', 'redis-lock', '--repeat', 'two'], /--repeat must be an integer from 1 to 100, got "two"/],
    [['compare', 'contention', '--strategies', 'redis-lock', '--vus', '0'], /--vus must be an integer/],
    [['compare', 'contention', '--strategies', 'redis-lock', '--seats', '100'], /--seats 100 exceeds --vus 80/],
    [['compare', 'nope', '--strategies', 'redis-lock'], /Unknown scenario "nope"/],
    // wallet-race varies the wallet strategy: a seat-hold-only name is unknown there.
    [['compare', 'wallet-race', '--strategies', 'none,redis-stock'], /Unknown wallet strategy "redis-stock" in --strategies; the bundled target has: none, optimistic, pessimistic, redis-lock/],
  ])('%j → exit 2 with one line', async (args, pattern) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help lists compare', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/compare \[options\] <scenario>/);
  });
});

describe('ticketbench compare contention --strategies redis-lock,redis-lock --cache on --vus 20 --ci', () => {
  it('exits 0, prints the table and writes the report, JSON and charts', async () => {
    const result = await cli(['compare', 'contention', '--strategies', 'redis-lock,redis-lock', '--cache', 'on', '--vus', '20', '--ci', '--out', outDir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/│ strategy\s+│ safe\?\s+│\s+TPS\s+│\s+p50 ms/);
    expect(result.stdout).toMatch(/│ redis-lock \(baseline\)\s+│ yes/);
    expect(result.stdout).toMatch(/│ redis-lock#2\s+│ yes/);
    expect(result.stdout).toContain('PASS: every strategy declared safe passed every check');

    const files = readdirSync(outDir);
    const md = files.find((f) => /-compare-contention\.md$/.test(f));
    const json = files.find((f) => /-compare-contention\.json$/.test(f));
    expect(md).toBeDefined();
    expect(json).toBeDefined();
    // Each run's own report has its three charts too; these are the comparison's.
    const svgs = files.filter((f) => f.endsWith('.svg') && f.includes('-compare-')).sort();
    expect(svgs).toHaveLength(3);
    expect(files.filter((f) => f.endsWith('.svg'))).toHaveLength(3 + 2 * 3);
    expect(result.stdout).toContain(`report  ${path.join(outDir, md!)}`);
    for (const svg of svgs) expect(result.stdout).toContain(`chart   ${path.join(outDir, svg)}`);

    const compare = JSON.parse(readFileSync(path.join(outDir, json!), 'utf8')) as CompareResult;
    expect(compare.labels).toEqual(['redis-lock', 'redis-lock#2']);
    // `--cache on` is held fixed in every run while the strategy varies.
    expect(compare.runs.map((r) => [r.label, r.report.options['strategy'], r.report.options['cache'], r.report.verdict])).toEqual([
      ['redis-lock', 'redis-lock', 'on', 'pass'],
      ['redis-lock#2', 'redis-lock', 'on', 'pass'],
    ]);
    // Infra is brought up for the first run only.
    expect(result.stdout).toContain('[1/2 redis-lock] [infra] bringing up');
    expect(result.stdout).toContain('[2/2 redis-lock#2] [infra] checking');
    expect(compare.table.rows.map((r) => r.values.doubleBooked?.median)).toEqual([0, 0]);

    const markdown = readFileSync(path.join(outDir, md!), 'utf8');
    expect(markdown).toContain('| redis-lock (baseline) | yes |');
    const redisLockSvg = svgs.find((f) => f.endsWith('-latency-redis-lock-2.svg'))!;
    expect(markdown).toContain(`](${redisLockSvg})`);
    const svgText = readFileSync(path.join(outDir, redisLockSvg), 'utf8');
    expect(svgText.startsWith('<svg')).toBe(true);
    expect(svgText).toContain('redis-lock#2');
  }, 180_000);
});
