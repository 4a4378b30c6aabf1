import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RunEmitter, RunEventMap } from '../../src/run/types.ts';
import {
  attachPlainPrinter,
  formatChecks,
  formatFinalLine,
  formatPhase,
  formatProgressLine,
  formatSummary,
} from '../../src/ui/plain.ts';
import { passingChecks, sampleOpenModelReport, sampleProgress, sampleRunReport } from '../fixtures/run-report.ts';

const ANSI = /\u001b\[/;
const paths = { json: 'reports/20250301-140502-contention.json', markdown: 'reports/20250301-140502-contention.md' };

describe('plain formatters', () => {
  it('formats a phase line', () => {
    expect(formatPhase('load', '80 VUs, shared-iterations, 80 iterations')).toBe('[load] 80 VUs, shared-iterations, 80 iterations');
    expect(formatPhase('report', '')).toBe('[report]');
  });

  it('formats a progress line for iterations and for durations', () => {
    expect(formatProgressLine(sampleProgress())).toBe(
      '[load] 640 ms · 40/80 iterations (50%) · 80 VUs · 41 requests · 1,235 TPS · p95 45.7 ms · ok 2 · conflict 39 · error 0',
    );
    const timed = formatProgressLine(sampleProgress({ iterationsTotal: undefined, durationMs: 30_000, elapsedMs: 12_345 }));
    expect(timed.startsWith('[load] 12.3 s/30.0 s (41%) · 40 iterations · ')).toBe(true);
  });

  it('summarises throughput, latency, status and ops without colours', () => {
    const out = formatSummary(sampleRunReport());
    expect(out).not.toMatch(ANSI);
    const lines = out.split('\n');
    expect(lines).toContain('81 requests in 1.41 s · 57.4 TPS · 80 iterations completed, 79 failed');
    expect(lines).toContain("target shared this machine's 2 cores with the load generator");
    expect(lines).toContain('│ all          │    81 │ 1.23 │ 18.5 │ 9.88 │ 41.2 │ 52.3 │ 97.5 │ 1,203 │');
    expect(lines.some((l) => /│ hold +│ +80 │/.test(l))).toBe(true);
    expect(lines).toContain('status: ok 2 · conflict 79 · error 0 (200: 1, 201: 1, 409: 79)');
    expect(lines).toContain('│ hold      │  1 │   79 │    0 │');
    expect(out).toContain('info = indeterminate');
    expect(formatSummary(sampleRunReport({ targetSharesMachine: false }))).not.toContain('target shared');
  });

  it('lists verdicts and the evidence of failing checks only', () => {
    const out = formatChecks(sampleRunReport().checks);
    expect(out).not.toMatch(ANSI);
    expect(out).toMatch(/│ No double booking in MySQL +│ PASS +│ 1 seat, 1 confirmed reservation, 0 double-booked +│/);
    expect(out).toMatch(/│ Every confirmed booking published to Kafka once │ FAIL +│ 12 duplicate events/);
    expect(out).toContain('FAIL kafka-events: 12 duplicate events for 1 confirmed booking (confirmed 1, events 13, missing 0, duplicates 12)');
    expect(out).toMatch(/│ reservationId │ topic +│ partition │ offset │ key +│/);
    expect(out).toMatch(/│ 501 +│ reservation-events │ 0 +│ 17 +│ seat\|A-1 │/);
    expect(out).toContain('9 more not shown');
    expect(out).not.toContain('PASS mysql-integrity');

    const passing = formatChecks(passingChecks());
    expect(passing).not.toContain('more not shown');
    expect(passing).not.toContain('reservationId');
  });

  it('shows unknown checks with their evidence too', () => {
    const [first] = passingChecks();
    const unknown = { ...first!, verdict: 'unknown' as const, summary: 'MySQL unreachable', evidence: [{ error: 'ECONNREFUSED' }], evidenceTotal: 1 };
    const out = formatChecks([unknown]);
    expect(out).toContain('UNKNOWN mysql-integrity: MySQL unreachable');
    expect(out).toContain('ECONNREFUSED');
    expect(out).not.toContain('more not shown');
  });

  it('ends with the verdict, the tally and the report path', () => {
    const pass = sampleRunReport({ checks: passingChecks(), verdict: 'pass' });
    expect(formatFinalLine(pass, paths)).toBe('PASS: 4/4 checks passed · report reports/20250301-140502-contention.md');
    expect(formatFinalLine(sampleRunReport(), paths)).toBe(
      'FAIL: 3/4 checks passed, 1 failed · report reports/20250301-140502-contention.md',
    );
  });
});

describe('attachPlainPrinter', () => {
  function setup(progressIntervalMs?: number) {
    const emitter: RunEmitter = new EventEmitter<RunEventMap>();
    const out: string[] = [];
    let clock = 0;
    const detach = attachPlainPrinter(emitter, (s) => out.push(s), {
      ...(progressIntervalMs === undefined ? {} : { progressIntervalMs }),
      now: () => clock,
    });
    return { emitter, out, detach, advance: (ms: number) => (clock += ms) };
  }

  it('prints phases, notices, throttled progress, checks and the final report', () => {
    const { emitter, out, advance } = setup();
    const report = sampleRunReport();
    emitter.emit('phase', 'infra', 'starting kafka');
    emitter.emit('notice', 'started kafka (pid 1234)');
    emitter.emit('phase', 'load', '80 VUs, shared-iterations, 80 iterations');
    emitter.emit('progress', sampleProgress({ iterationsCompleted: 10 }));
    advance(500);
    emitter.emit('progress', sampleProgress({ iterationsCompleted: 20 })); // throttled
    advance(1600);
    emitter.emit('progress', sampleProgress({ iterationsCompleted: 40 }));
    advance(100);
    emitter.emit('progress', sampleProgress({ iterationsCompleted: 80 })); // throttled, flushed at next phase
    emitter.emit('phase', 'checks', 'running 4 checks');
    for (const c of report.checks) emitter.emit('check', c);
    emitter.emit('done', report, paths);

    expect(out.every((s) => s.endsWith('\n'))).toBe(true);
    const text = out.join('');
    expect(text).not.toMatch(ANSI);
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['[infra] starting kafka', '  started kafka (pid 1234)', '[load] 80 VUs, shared-iterations, 80 iterations']);
    const progress = lines.filter((l) => l.startsWith('[load] ') && l.includes(' iterations ('));
    expect(progress.map((l) => l.match(/(\d+)\/80 iterations/)?.[1])).toEqual(['10', '40', '80']);
    expect(lines.indexOf('[checks] running 4 checks')).toBeGreaterThan(lines.indexOf(progress[2]!));
    expect(lines).toContain('[check] PASS mysql-integrity: 1 seat, 1 confirmed reservation, 0 double-booked');
    expect(lines).toContain('[check] FAIL kafka-events: 12 duplicate events for 1 confirmed booking');
    expect(text).toContain('status: ok 2 · conflict 79 · error 0');
    expect(text).toContain('9 more not shown');
    expect(lines.at(-2)).toBe('FAIL: 3/4 checks passed, 1 failed · report reports/20250301-140502-contention.md');
  });

  it('honours a custom interval and stops printing after unsubscribe', () => {
    const { emitter, out, advance, detach } = setup(100);
    emitter.emit('progress', sampleProgress());
    advance(100);
    emitter.emit('progress', sampleProgress());
    expect(out).toHaveLength(2);
    detach();
    emitter.emit('phase', 'report', 'writing');
    emitter.emit('progress', sampleProgress());
    expect(out).toHaveLength(2);
    expect(emitter.listenerCount('progress') + emitter.listenerCount('done') + emitter.listenerCount('phase')).toBe(0);
  });
});

describe('plain output of an open-model (arrival-rate) run', () => {
  it('summarises dropped iterations and measured vs corrected percentiles side by side', () => {
    const out = formatSummary(sampleOpenModelReport());
    expect(out).not.toMatch(ANSI);
    const lines = out.split('\n');
    expect(lines[0]).toBe('contention: constant-arrival-rate, 50/s for 2.00 s (VUs 10 pre-allocated, max 20)');
    expect(lines).toContain('81 requests in 1.41 s · 57.4 TPS · 80 iterations completed, 79 failed, 12 dropped');
    expect(lines).toContain('│ latency (ms) │  p50 │ corr │  p95 │  corr │  p99 │  corr │   max │  corr │');
    expect(lines).toContain('│ all          │ 9.88 │ 20.5 │ 52.3 │ 250.8 │ 97.5 │ 612.3 │ 1,203 │ 1,450 │');
    expect(lines).toContain('│ pay          │ 7.34 │ 9.50 │ 7.34 │  9.50 │ 7.34 │  9.50 │  7.34 │  9.50 │');
    expect(out).toMatch(/corr = from the intended start .*coordinated omission/);
    // The tables fit an 80-column terminal.
    expect(Math.max(...lines.filter((l) => l.startsWith('│') || l.startsWith('┌')).map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('a closed-model summary shows neither dropped iterations nor corrected figures', () => {
    const out = formatSummary(sampleRunReport());
    expect(out).not.toContain('dropped');
    expect(out).not.toContain('corr');
  });

  it('the progress line counts dropped iterations once there are any', () => {
    const open = sampleProgress({ iterationsTotal: undefined, durationMs: 2000, elapsedMs: 1200, droppedIterations: 7 });
    expect(formatProgressLine(open)).toBe(
      '[load] 1.20 s/2.00 s (60%) · 40 iterations · 7 dropped · 80 VUs · 41 requests · 1,235 TPS · p95 45.7 ms · ok 2 · conflict 39 · error 0',
    );
    expect(formatProgressLine({ ...open, droppedIterations: 0 })).not.toContain('dropped');
  });
});

describe('formatSummary scenario results', () => {
  it('ends with the scenario figures on one line', async () => {
    const { formatSummary } = await import('../../src/ui/plain.ts');
    const { sampleRunReport } = await import('../fixtures/run-report.ts');
    const text = formatSummary(sampleRunReport({ results: { seatsSold: 1000, attemptsPerSale: 37.641, strategy: 'redis-lock' } }));
    expect(text.split('\n').at(-1)).toBe('results: seatsSold 1,000 · attemptsPerSale 37.64 · strategy redis-lock');
    expect(formatSummary(sampleRunReport({ results: {} }))).not.toContain('results:');
  });
});
