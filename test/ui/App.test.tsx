import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEmitter, RunEventMap } from '../../src/run/types.ts';
import { App } from '../../src/ui/App.tsx';
import { initialLiveState, liveReducer } from '../../src/ui/state.ts';
import { sampleProgress, sampleRunReport } from '../fixtures/run-report.ts';

const paths = { json: 'reports/20250301-140502-contention.json', markdown: 'reports/20250301-140502-contention.md' };

/** Lets React commit and ink write the frame. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function mount() {
  const emitter: RunEmitter = new EventEmitter<RunEventMap>();
  const instance = render(<App emitter={emitter} />);
  cleanup = instance.unmount;
  const frame = () => stripVTControlCharacters(instance.lastFrame() ?? '');
  return { emitter, frame, instance };
}

describe('App', () => {
  it('shows phases and notices, then live progress with TPS, percentiles and counts', async () => {
    const { emitter, frame } = mount();
    // Emitted synchronously after render: the subscription must already be in place.
    emitter.emit('phase', 'infra', 'starting kafka');
    emitter.emit('notice', 'started kafka (pid 1234)');
    emitter.emit('phase', 'load', '80 VUs, shared-iterations, 80 iterations');
    emitter.emit('progress', sampleProgress());
    await settle();
    const f = frame();
    expect(f).toContain('▸ infra  starting kafka');
    expect(f).toContain('· started kafka (pid 1234)');
    expect(f).toContain('▸ load  80 VUs, shared-iterations, 80 iterations');
    expect(f).toContain('███████████████░░░░░░░░░░░░░░░  50%  40/80 iterations · elapsed 640 ms · 80 VUs');
    expect(f).toContain('requests 41 · TPS 1,235 · p50 3.21 ms · p95 45.7 ms · p99 88.9 ms');
    expect(f).toContain('ok 2 · conflict 39 · error 0');

    emitter.emit('progress', sampleProgress({ iterationsCompleted: 80, requests: 81, tps: 57.4, status: { ok: 2, conflict: 79, error: 0, byStatus: {} } }));
    await settle();
    expect(frame()).toContain('80/80 iterations');
    expect(frame()).toContain('ok 2 · conflict 79 · error 0');
    expect(frame()).not.toContain('40/80 iterations');
  });

  it('shows a duration bar for constant-vus', async () => {
    const { emitter, frame } = mount();
    emitter.emit('progress', sampleProgress({ iterationsTotal: undefined, durationMs: 30_000, elapsedMs: 15_000 }));
    await settle();
    expect(frame()).toContain(' 50%  40 iterations · elapsed 15.0 s/30.0 s · 80 VUs');
  });

  it('shows dropped iterations of an arrival-rate executor', async () => {
    const { emitter, frame } = mount();
    emitter.emit('progress', sampleProgress({ iterationsTotal: undefined, durationMs: 2000, elapsedMs: 1000, droppedIterations: 12 }));
    await settle();
    expect(frame()).toContain(' 50%  40 iterations · elapsed 1.00 s/2.00 s · 80 VUs · 12 dropped');
    emitter.emit('progress', sampleProgress({ droppedIterations: 0 }));
    await settle();
    expect(frame()).not.toContain('dropped');
  });

  it('shows each check verdict as it arrives, then the final summary, and exits', async () => {
    const { emitter, frame, instance } = mount();
    const report = sampleRunReport();
    emitter.emit('phase', 'load', 'go');
    emitter.emit('progress', sampleProgress({ iterationsCompleted: 80 }));
    emitter.emit('phase', 'checks', 'running 4 checks');
    emitter.emit('check', report.checks[0]!);
    await settle();
    let f = frame();
    // The last load snapshot stays on screen once the phase is over.
    expect(f).toContain('80/80 iterations');
    expect(f).toMatch(/✔ PASS +No double booking in MySQL \(mysql-integrity\)/);
    expect(f).toContain('1 seat, 1 confirmed reservation, 0 double-booked');
    expect(f).not.toContain('kafka-events');

    emitter.emit('check', report.checks[3]!);
    await settle();
    f = frame();
    expect(f).toMatch(/✘ FAIL +Every confirmed booking published to Kafka once \(kafka-events\)/);
    expect(f).toContain('12 duplicate events for 1 confirmed booking');

    emitter.emit('check', { ...report.checks[2]!, verdict: 'unknown', summary: 'Redis unreachable' });
    emitter.emit('done', report, paths);
    await settle();
    f = frame();
    expect(f).toMatch(/\? UNKNOWN +Redis seat state matches MySQL/);
    expect(f).toContain('FAIL  3/4 checks passed, 1 failed');
    expect(f).toContain('TPS 57.4 · p95 52.3 ms · 81 requests in 1.41 s');
    expect(f).toContain('report  reports/20250301-140502-contention.md');
    expect(f).toContain('json    reports/20250301-140502-contention.json');
    // Static rows are printed once even though the live part redrew many times.
    expect(f.split('No double booking in MySQL').length).toBe(2);
    // done → useApp().exit() unmounts the tree, which removes the listeners.
    expect(emitter.listenerCount('progress')).toBe(0);
    expect(instance.frames.length).toBeGreaterThan(1);
  });

  it('prints static rows once when they arrive in the same tick as done', async () => {
    const { emitter, frame, instance } = mount();
    const report = sampleRunReport();
    emitter.emit('phase', 'load', 'go');
    emitter.emit('progress', sampleProgress());
    await settle();
    emitter.emit('phase', 'checks', 'running 4 checks');
    for (const c of report.checks) emitter.emit('check', c);
    emitter.emit('done', report, paths);
    await settle();
    const f = frame();
    for (const text of ['▸ checks', '40/80 iterations', 'No double booking in MySQL', 'kafka-events', 'FAIL  3/4']) {
      expect(f.split(text).length, text).toBe(2);
    }
    expect(instance.frames.every((fr) => stripVTControlCharacters(fr).split('▸ checks').length <= 2)).toBe(true);
  });

  it('unsubscribes on unmount', () => {
    const { emitter, instance } = mount();
    expect(emitter.listenerCount('check')).toBe(1);
    instance.unmount();
    expect(emitter.listenerCount('check')).toBe(0);
  });
});

describe('liveReducer', () => {
  it('freezes the last progress snapshot when the next phase starts', () => {
    let s = liveReducer(initialLiveState, { type: 'phase', args: ['load', 'go'] });
    s = liveReducer(s, { type: 'progress', args: [sampleProgress()] });
    expect(s.progress).toBeDefined();
    s = liveReducer(s, { type: 'phase', args: ['checks', 'now'] });
    expect(s.progress).toBeUndefined();
    expect(s.items.map((i) => i.kind)).toEqual(['phase', 'progress', 'phase']);
    expect(s.items.map((i) => i.id)).toEqual([0, 1, 2]);
  });
});
