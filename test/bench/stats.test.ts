// The benchmark's figures: medians, spreads, per-repetition ratios and the printed table.
import { describe, expect, it } from 'vitest';
import type { ToolRun } from '../../bench/child-report.ts';
import { cpuPer10k, formatRatio, formatTable, median, ratios, rotation, rps, toolRows, type Measured } from '../../bench/stats.ts';

const run = (requests: number, cpuS: number, p99Ms: number | null = 2): ToolRun => ({ requests, errors: 0, durationS: 10, cpuS, p50Ms: p99Ms === null ? null : 0.5, p99Ms, peakRssMiB: 100 });

describe('bench stats', () => {
  it('median of odd and even counts; rps and CPU per 10k requests', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(rps(run(500_000, 5))).toBe(50_000);
    expect(cpuPer10k(run(500_000, 5))).toBeCloseTo(0.1);
  });

  it('ratios pair the tools within each repetition, then summarise', () => {
    const measured: Measured[] = [
      { tool: 'ticketbench', repetition: 0, run: run(600_000, 6) },
      { tool: 'autocannon', repetition: 0, run: run(500_000, 7.5) },
      { tool: 'autocannon', repetition: 1, run: run(300_000, 4.5) },
      { tool: 'ticketbench', repetition: 1, run: run(450_000, 4.5) },
      // A repetition without autocannon has no ratio.
      { tool: 'ticketbench', repetition: 2, run: run(1, 1) },
    ];
    const r = ratios(measured, 'autocannon')!;
    expect(r.median).toBeCloseTo(1.35);
    expect([r.min, r.max]).toEqual([1.2, 1.5]);
    expect(ratios(measured, 'autocannon', cpuPer10k)!.median).toBeCloseTo(((6 / 600_000) / (7.5 / 500_000) + (4.5 / 450_000) / (4.5 / 300_000)) / 2);
    expect(ratios(measured, 'wrk')).toBeUndefined();
    expect(formatRatio(r)).toBe('1.35 (1.20–1.50)');
  });

  it('rotation changes which tool runs first each repetition', () => {
    expect([0, 1, 2, 3].map((rep) => rotation(['a', 'b', 'c'], rep).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
  });

  it('the table has one row per tool that ran, with medians and ranges', () => {
    const measured: Measured[] = [
      { tool: 'wrk', repetition: 0, run: run(1_400_000, 9), backgroundCpuS: 0.4 },
      { tool: 'wrk', repetition: 1, run: run(1_200_000, 8), backgroundCpuS: 0.6 },
      { tool: 'undici-loop', repetition: 0, run: run(590_000, 10, null) },
    ];
    const table = formatTable(toolRows(measured, ['ticketbench', 'wrk', 'undici-loop']));
    expect(table.split('\n')).toHaveLength(4);
    expect(table).toContain('| wrk | 2 | 130,000 | 120,000–140,000 | 0.065 (0.064–0.067) | 0.500 | 2.000 | 100 | 0 | 0.5 |');
    expect(table).toContain('| undici-loop | 1 | 59,000 | 59,000–59,000 | 0.169 (0.169–0.169) | — | — | 100 | 0 | 0.0 |');
  });
});
