import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompareEmitter, CompareEventMap } from '../../src/compare/types.ts';
import type { CompareResult, CompareRunInfo } from '../../src/model/compare.ts';
import type { RunEmitter, RunEventMap } from '../../src/run/types.ts';
import { CompareApp } from '../../src/ui/CompareApp.tsx';
import { attachComparePlainPrinter, formatRunLine, formatRunStart } from '../../src/ui/compare-plain.ts';
import { compareReducer, initialCompareState } from '../../src/ui/compare-state.ts';
import { compareResultOf, runOf } from '../compare/helpers.ts';
import { sampleProgress } from '../fixtures/run-report.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const paths = { markdown: 'r/c.md', json: 'r/c.json', charts: ['r/c-latency-redis-lock.svg', 'r/c-latency.svg'] };

function info(index: number, label: string, strategyIndex: number): CompareRunInfo {
  return { label, strategy: label.replace(/#\d+$/, ''), round: 1, index, total: 2, strategyIndex, strategies: 2 };
}

function result(): CompareResult {
  const runs = [runOf('redis-lock', { tps: 100, p50: 2, p95: 10, p99: 20 }), runOf('none', { tps: 150, p50: 1, p95: 4, p99: 9, doubleBooked: 2 }, { safe: false })];
  return compareResultOf(runs, { startedAt: 'a', endedAt: 'b' });
}

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe('compare plain formatters', () => {
  it('announces a run and sums it up on one line', () => {
    expect(formatRunStart(info(1, 'redis-lock', 1))).toBe('== redis-lock (strategy 1 of 2) · run 1/2');
    const run = result().runs[1]!;
    expect(formatRunLine(info(2, 'none', 2), run)).toBe(
      '[2/2 none] FAIL 2/3 checks passed, 1 failed (unsafe strategy: expected) · 150.0 TPS · p50 1.00 · p95 4.00 · p99 9.00 ms · ok 2 · conflict 78 · error 0 · oversold 0 · double-booked 2',
    );
  });

  it('prints each run\'s events with its tag, a line per run, then the table, findings and paths', () => {
    const emitter: CompareEmitter = new EventEmitter<CompareEventMap>();
    const out: string[] = [];
    const detach = attachComparePlainPrinter(emitter, (s) => out.push(s), { now: () => 0 });
    const r = result();
    emitter.emit('start', { scenario: 'contention', labels: ['redis-lock', 'none'], repeat: 1, total: 2 });
    const run1: RunEmitter = new EventEmitter<RunEventMap>();
    emitter.emit('run-start', info(1, 'redis-lock', 1), run1);
    run1.emit('phase', 'load', '20 VUs');
    run1.emit('progress', sampleProgress());
    run1.emit('check', r.runs[0]!.report.checks[0]!);
    run1.emit('done', r.runs[0]!.report, { json: 'x.json', markdown: 'x.md' });
    emitter.emit('run-done', info(1, 'redis-lock', 1), r.runs[0]!);
    // Events of a finished run are no longer printed.
    run1.emit('notice', 'a notice after the run');
    emitter.emit('done', r, paths);
    detach();
    const text = out.join('');
    expect(text).toContain('compare contention: redis-lock, none (2 runs)\n');
    expect(text).toContain('[1/2 redis-lock] [load] 20 VUs\n');
    expect(text).toContain('[1/2 redis-lock] [load] 640 ms · 40/80 iterations');
    expect(text).toContain('[1/2 redis-lock] [check] PASS double-booking');
    expect(text).toContain('[1/2 redis-lock] PASS 3/3 checks passed · 100.0 TPS');
    expect(text).not.toContain('a notice after the run');
    expect(text).not.toContain('x.md');
    expect(text).toMatch(/│ none\s+│ no\s+│ 150\.0\* \+50%/);
    expect(text).toContain('none double-booked 2 seats: the checks caught the race');
    expect(text).toContain('PASS: every strategy declared safe passed every check');
    expect(text).toContain('chart   r/c-latency.svg\n');
  });
});

describe('compareReducer', () => {
  it('tracks the current run and freezes finished runs into static items', () => {
    const r = result();
    let s = compareReducer(initialCompareState, { type: 'run-start', info: info(1, 'redis-lock', 1) });
    s = compareReducer(s, { type: 'run:phase', args: ['load', '20 VUs'] });
    s = compareReducer(s, { type: 'run:progress', args: [sampleProgress()] });
    expect(s.current?.phase).toBe('load');
    expect(s.current?.progress?.requests).toBe(41);
    s = compareReducer(s, { type: 'run-done', args: [info(1, 'redis-lock', 1), r.runs[0]!] });
    expect(s.current).toBeUndefined();
    expect(s.items.map((i) => i.kind)).toEqual(['run']);
    // A run event with no current run changes nothing.
    expect(compareReducer(s, { type: 'run:progress', args: [sampleProgress()] })).toBe(s);
  });
});

describe('CompareApp', () => {
  it('shows which strategy runs (k of N) with its progress, finished rows, then the table', async () => {
    const emitter: CompareEmitter = new EventEmitter<CompareEventMap>();
    const instance = render(<CompareApp emitter={emitter} />);
    cleanup = instance.unmount;
    const frame = () => stripVTControlCharacters(instance.lastFrame() ?? '');
    const r = result();
    emitter.emit('start', { scenario: 'contention', labels: ['redis-lock', 'none'], repeat: 1, total: 2 });
    const run1: RunEmitter = new EventEmitter<RunEventMap>();
    emitter.emit('run-start', info(1, 'redis-lock', 1), run1);
    // Emitted synchronously after run-start: the view must already listen.
    run1.emit('phase', 'load', '20 VUs, shared-iterations');
    run1.emit('progress', sampleProgress());
    await settle();
    expect(frame()).toContain('▸ redis-lock strategy 1 of 2 · run 1/2  load: 20 VUs, shared-iterations');
    expect(frame()).toContain('TPS 1,235');
    emitter.emit('run-done', info(1, 'redis-lock', 1), r.runs[0]!);
    const run2: RunEmitter = new EventEmitter<RunEventMap>();
    emitter.emit('run-start', info(2, 'none', 2), run2);
    run2.emit('check', r.runs[1]!.report.checks[0]!);
    await settle();
    const all = () => stripVTControlCharacters(instance.frames.join('\n'));
    expect(all()).toContain('[1/2 redis-lock] PASS 3/3 checks passed');
    expect(frame()).toContain('▸ none strategy 2 of 2 · run 2/2');
    expect(frame()).toContain('FAIL');
    expect(emitter.listenerCount('run-start')).toBe(1);
    expect(run1.listenerCount('progress')).toBe(0);
    emitter.emit('run-done', info(2, 'none', 2), r.runs[1]!);
    emitter.emit('done', r, paths);
    await settle();
    expect(all()).toContain('(unsafe strategy: expected)');
    expect(frame()).toContain('redis-lock (baseline)');
    expect(frame()).toContain('PASS: every strategy declared safe passed every check');
    expect(frame()).toContain('report  r/c.md');
  });
});
