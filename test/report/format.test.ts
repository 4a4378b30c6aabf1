import { describe, expect, it } from 'vitest';
import {
  formatCheckTally,
  formatCount,
  formatDuration,
  formatExecutor,
  formatMs,
  formatMsUnit,
  formatNumber,
  formatPercent,
  formatTps,
  progressBar,
  progressFraction,
  sparkline,
} from '../../src/report/format.ts';

describe('format', () => {
  it('groups thousands without depending on the locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatNumber(-1234.567, 2)).toBe('-1,234.57');
    expect(formatNumber(-0.001, 2)).toBe('0.00');
    expect(formatCount(Number.NaN)).toBe('-');
  });

  it('rounds latencies by magnitude', () => {
    expect(formatMs(0.4567)).toBe('0.46');
    expect(formatMs(9.994)).toBe('9.99');
    expect(formatMs(52.31)).toBe('52.3');
    expect(formatMs(1203.4)).toBe('1,203');
    expect(formatMsUnit(3.2)).toBe('3.20 ms');
    expect(formatMsUnit(Number.NaN)).toBe('-');
  });

  it('formats TPS, durations and percentages', () => {
    expect(formatTps(57.365)).toBe('57.4');
    expect(formatTps(12345.6)).toBe('12,346');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1412)).toBe('1.41 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3_723_000)).toBe('1h 02m 03s');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(1.7)).toBe('100%');
  });

  it('describes executors', () => {
    expect(formatExecutor({ executor: 'shared-iterations', vus: 80, iterations: 80, maxDurationMs: 60_000 })).toBe(
      'shared-iterations, 80 VUs, 80 iterations (max 1m 00s)',
    );
    expect(formatExecutor({ executor: 'constant-vus', vus: 10, durationMs: 30_000 })).toBe('constant-vus, 10 VUs for 30.0 s');
  });

  it('tallies verdicts', () => {
    expect(formatCheckTally(['pass', 'pass', 'pass', 'pass'])).toBe('4/4 checks passed');
    expect(formatCheckTally(['pass', 'fail', 'unknown'])).toBe('1/3 checks passed, 1 failed, 1 unknown');
    expect(formatCheckTally([])).toBe('no checks');
  });

  it('draws sparklines from zero and progress bars', () => {
    expect(sparkline([0, 5, 10])).toBe('▁▅█');
    expect(sparkline([3, 3])).toBe('██');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline([])).toBe('');
    expect(progressBar(0.5, 10)).toBe('█████░░░░░');
    expect(progressBar(2, 4)).toBe('████');
    expect(progressFraction({ elapsedMs: 1, iterationsCompleted: 20, iterationsTotal: 80 })).toBe(0.25);
    expect(progressFraction({ elapsedMs: 15_000, iterationsCompleted: 3, durationMs: 30_000 })).toBe(0.5);
    expect(progressFraction({ elapsedMs: 15_000, iterationsCompleted: 3 })).toBeUndefined();
  });
});
