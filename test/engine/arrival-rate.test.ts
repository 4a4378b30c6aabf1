// The open-model scheduler on a fake clock: exact start times, ramp shape, VU allocation up to
// maxVUs, and dropped (never queued) iterations. No real time passes in these tests.
import { describe, expect, it } from 'vitest';
import { realClock, type Clock } from '../../src/engine/clock.ts';
import { constantArrivalRate } from '../../src/engine/executors/constant-arrival-rate.ts';
import { rampingArrivalRate } from '../../src/engine/executors/ramping-arrival-rate.ts';
import { rampingSchedule } from '../../src/engine/executors/arrival-rate.ts';
import type { ExecutorRuntime } from '../../src/engine/executors/types.ts';
import { History } from '../../src/engine/history.ts';
import type { TargetHttpClient } from '../../src/engine/http-client.ts';
import type { ExecutorConfig } from '../../src/engine/types.ts';
import { VuContext } from '../../src/engine/vu.ts';

/** Lets every pending promise callback run (they are all microtasks or immediates here). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A discrete-event clock: time moves only when nothing else can run, straight to the earliest
 * sleeper; sleepers due at the same time wake in the order they went to sleep.
 */
class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private sleepers: { at: number; seq: number; wake: () => void }[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleepUntil(ms: number): Promise<void> {
    if (ms <= this.t) return Promise.resolve();
    return new Promise((wake) => this.sleepers.push({ at: ms, seq: this.seq++, wake }));
  }

  /** Advances time sleeper by sleeper until nobody sleeps any more. */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      await flush();
      if (this.sleepers.length === 0) return;
      this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.sleepers.shift()!;
      this.t = next.at;
      next.wake();
    }
  }
}

interface Start {
  readonly vu: number;
  readonly scheduledAt: number;
  readonly startedAt: number;
}

/**
 * An executor runtime on a fake clock whose iterations run `body`; records every start, every
 * drop (with its time) and every VU allocated on demand.
 */
function fakeRuntime(clock: FakeClock, preAllocated: number, body: (vu: VuContext) => Promise<void> = async () => {}) {
  const history = new History();
  const vus: VuContext[] = [];
  const makeVu = (): VuContext => {
    const vu = new VuContext(vus.length + 1, {} as TargetHttpClient, history, 0);
    vus.push(vu);
    return vu;
  };
  for (let i = 0; i < preAllocated; i++) makeVu();
  const starts: Start[] = [];
  const drops: number[] = [];
  const allocated: number[] = [];
  const abort = new AbortController();
  const runtime: ExecutorRuntime = {
    vus: [...vus],
    clock,
    signal: abort.signal,
    allocateVu: () => {
      const vu = makeVu();
      allocated.push(vu.id);
      return vu;
    },
    dropIteration: () => drops.push(clock.now()),
    runIteration: async (vu, scheduledAt) => {
      starts.push({ vu: vu.id, scheduledAt: scheduledAt!, startedAt: clock.now() });
      await body(vu);
    },
  };
  return { runtime, starts, drops, allocated, abort };
}

/** A latch iterations wait on, so that they stay busy until the test says otherwise. */
function latch() {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

type Constant = Extract<ExecutorConfig, { executor: 'constant-arrival-rate' }>;
type Ramping = Extract<ExecutorConfig, { executor: 'ramping-arrival-rate' }>;

const constant = (c: Omit<Constant, 'executor'>): Constant => ({ executor: 'constant-arrival-rate', ...c });
const ramping = (c: Omit<Ramping, 'executor'>): Ramping => ({ executor: 'ramping-arrival-rate', ...c });

describe('constant-arrival-rate', () => {
  it('starts iteration i at exactly start + i · timeUnit / rate, and none at or after the duration', async () => {
    const clock = new FakeClock(5_000);
    const { runtime, starts, drops } = fakeRuntime(clock, 1);
    const done = constantArrivalRate(constant({ rate: 4, timeUnitMs: 100, durationMs: 200, preAllocatedVUs: 1, maxVUs: 1 }), runtime);
    await clock.runUntilIdle();
    await done;
    expect(starts.map((s) => s.startedAt)).toEqual([5000, 5025, 5050, 5075, 5100, 5125, 5150, 5175]);
    expect(starts.every((s) => s.scheduledAt === s.startedAt)).toBe(true);
    expect(drops).toEqual([]);
  });

  it('computes each start from the start time, so a non-integer interval never drifts', async () => {
    const clock = new FakeClock();
    const { runtime, starts } = fakeRuntime(clock, 1);
    const done = constantArrivalRate(constant({ rate: 7, timeUnitMs: 1000, durationMs: 100_000, preAllocatedVUs: 1, maxVUs: 1 }), runtime);
    await clock.runUntilIdle();
    await done;
    expect(starts).toHaveLength(700);
    starts.forEach((s, i) => expect(s.startedAt).toBe(i * (1000 / 7)));
    // Chained timers (t += interval) would already be off by accumulated float error.
    let chained = 0;
    for (let i = 0; i < 699; i++) chained += 1000 / 7;
    expect(chained).not.toBe(starts.at(-1)!.startedAt);
  });

  it('starts iterations on schedule however long earlier ones take, while VUs are free', async () => {
    const clock = new FakeClock();
    const { runtime, starts, drops } = fakeRuntime(clock, 5, (vu) => clock.sleepUntil(clock.now() + 35)); // 3.5 intervals
    const done = constantArrivalRate(constant({ rate: 1, timeUnitMs: 10, durationMs: 100, preAllocatedVUs: 5, maxVUs: 5 }), runtime);
    await clock.runUntilIdle();
    await done;
    expect(starts.map((s) => s.startedAt)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const busyAt = (t: number): number => starts.filter((s) => s.startedAt <= t && t < s.startedAt + 35).length;
    expect(Math.max(...starts.map((s) => busyAt(s.startedAt)))).toBe(4);
    expect(drops).toEqual([]);
  });

  it('drops every iteration due while all VUs are busy, and never runs a dropped one later', async () => {
    const clock = new FakeClock();
    const gate = latch();
    const { runtime, starts, drops } = fakeRuntime(clock, 2, () => gate.opened);
    const done = constantArrivalRate(constant({ rate: 10, timeUnitMs: 100, durationMs: 100, preAllocatedVUs: 2, maxVUs: 2 }), runtime);
    await clock.runUntilIdle();
    expect(starts.map((s) => s.startedAt)).toEqual([0, 10]);
    expect(drops).toEqual([20, 30, 40, 50, 60, 70, 80, 90]);
    gate.open();
    await done;
    await clock.runUntilIdle();
    expect(starts).toHaveLength(2); // no queue: freed VUs do not pick up the dropped iterations
  });

  it('allocates VUs beyond preAllocatedVUs on demand, up to maxVUs, then drops', async () => {
    const clock = new FakeClock();
    const gate = latch();
    const { runtime, starts, drops, allocated } = fakeRuntime(clock, 1, () => gate.opened);
    const done = constantArrivalRate(constant({ rate: 1, timeUnitMs: 10, durationMs: 100, preAllocatedVUs: 1, maxVUs: 4 }), runtime);
    await clock.runUntilIdle();
    gate.open();
    await done;
    expect(allocated).toEqual([2, 3, 4]);
    expect(starts.map((s) => [s.vu, s.startedAt])).toEqual([
      [1, 0],
      [2, 10],
      [3, 20],
      [4, 30],
    ]);
    expect(drops).toEqual([40, 50, 60, 70, 80, 90]);
  });

  it('allocates no VU while a pre-allocated one is free', async () => {
    const clock = new FakeClock();
    const { runtime, starts, allocated } = fakeRuntime(clock, 1);
    const done = constantArrivalRate(constant({ rate: 1, timeUnitMs: 10, durationMs: 100, preAllocatedVUs: 1, maxVUs: 50 }), runtime);
    await clock.runUntilIdle();
    await done;
    expect(starts).toHaveLength(10);
    expect(allocated).toEqual([]);
  });

  it('with iterations longer than the VUs can absorb: starts on schedule, drops the rest, reuses freed VUs', async () => {
    // Interval 10 ms, iterations take 25 ms, at most 2 VUs: a VU frees up at 25, 35, 55, ...
    const clock = new FakeClock();
    const { runtime, starts, drops, allocated } = fakeRuntime(clock, 1, () => clock.sleepUntil(clock.now() + 25));
    const done = constantArrivalRate(constant({ rate: 1, timeUnitMs: 10, durationMs: 100, preAllocatedVUs: 1, maxVUs: 2 }), runtime);
    await clock.runUntilIdle();
    await done;
    expect(starts.map((s) => s.startedAt)).toEqual([0, 10, 30, 40, 60, 70, 90]);
    expect(starts.every((s) => s.startedAt === s.scheduledAt)).toBe(true);
    expect(drops).toEqual([20, 50, 80]);
    expect(allocated).toEqual([2]);
  });

  it('stops scheduling at once when aborted, even in the middle of a long wait', async () => {
    const clock = new FakeClock();
    const { runtime, starts, abort } = fakeRuntime(clock, 1);
    const done = constantArrivalRate(constant({ rate: 1, timeUnitMs: 60_000, durationMs: 600_000, preAllocatedVUs: 1, maxVUs: 1 }), runtime);
    await flush();
    abort.abort();
    await done;
    expect(starts).toHaveLength(1);
    expect(clock.now()).toBe(0);
  });
});

describe('ramping-arrival-rate', () => {
  /** Iterations started per window of `windowMs`, over `totalMs`. */
  const perWindow = (starts: readonly Start[], windowMs: number, totalMs: number): number[] =>
    Array.from({ length: totalMs / windowMs }, (_, w) => starts.filter((s) => s.startedAt >= w * windowMs && s.startedAt < (w + 1) * windowMs).length);

  it('ramps up, holds and ramps down: each stage starts the integral of its rate', async () => {
    const clock = new FakeClock();
    const { runtime, starts, drops } = fakeRuntime(clock, 1);
    const config = ramping({
      startRate: 0,
      timeUnitMs: 1000,
      stages: [
        { target: 100, durationMs: 10_000 },
        { target: 100, durationMs: 10_000 },
        { target: 0, durationMs: 10_000 },
      ],
      preAllocatedVUs: 1,
      maxVUs: 1,
    });
    const done = rampingArrivalRate(config, runtime);
    await clock.runUntilIdle();
    await done;
    expect(drops).toEqual([]);
    expect(perWindow(starts, 10_000, 30_000)).toEqual([500, 1000, 500]); // ½·100·10, 100·10, ½·100·10
    // Within the ramp up the rate grows linearly: second k starts about 5·(2k + 1).
    const up = perWindow(starts, 1000, 10_000);
    up.forEach((n, k) => expect(Math.abs(n - 5 * (2 * k + 1))).toBeLessThanOrEqual(1));
    expect(perWindow(starts, 1000, 30_000).slice(10, 20)).toEqual(Array(10).fill(100));
    const down = perWindow(starts, 1000, 30_000).slice(20);
    down.forEach((n, k) => expect(Math.abs(n - 5 * (2 * (9 - k) + 1))).toBeLessThanOrEqual(1));
    // Start times never go backwards.
    expect(starts.every((s, i) => i === 0 || s.startedAt >= starts[i - 1]!.startedAt)).toBe(true);
  });

  it('with a flat stage at the start rate, schedules exactly like constant-arrival-rate', () => {
    const schedule = rampingSchedule({ startRate: 50, timeUnitMs: 1000, stages: [{ target: 50, durationMs: 2000 }] });
    expect(Array.from({ length: 101 }, (_, i) => schedule(i))).toEqual([...Array.from({ length: 100 }, (_, i) => i * 20), undefined]);
  });

  it('puts iteration i where the integral of the rate reaches i on a ramp', () => {
    // 0 → 10/s over 10 s: integral 0.5·t² (t in s), so iteration i at √(2i) s.
    const schedule = rampingSchedule({ startRate: 0, timeUnitMs: 1000, stages: [{ target: 10, durationMs: 10_000 }] });
    for (const i of [0, 1, 2, 8, 18, 32, 49]) expect(schedule(i)).toBeCloseTo(Math.sqrt(2 * i) * 1000, 6);
    expect(schedule(50)).toBeUndefined(); // the integral over the whole stage is 50
  });

  it('drops iterations of a ramp when the VUs stay busy', async () => {
    const clock = new FakeClock();
    const gate = latch();
    const { runtime, starts, drops, allocated } = fakeRuntime(clock, 1, () => gate.opened);
    const done = rampingArrivalRate(
      ramping({ startRate: 10, timeUnitMs: 1000, stages: [{ target: 30, durationMs: 1000 }], preAllocatedVUs: 1, maxVUs: 3 }),
      runtime,
    );
    await clock.runUntilIdle();
    gate.open();
    await done;
    expect(starts).toHaveLength(3);
    expect(allocated).toEqual([2, 3]);
    expect(drops).toHaveLength(17); // ½·(10 + 30)·1 s = 20 due
  });
});

describe('realClock', () => {
  it('never wakes before the time asked, even for a fractional delay', async () => {
    for (const delay of [0.4, 1.5, 3.7]) {
      const target = realClock.now() + delay;
      await realClock.sleepUntil(target);
      expect(realClock.now()).toBeGreaterThanOrEqual(target);
    }
  });

  it('wakes at once when its signal aborts', async () => {
    const abort = new AbortController();
    const started = realClock.now();
    const sleeping = realClock.sleepUntil(started + 60_000, abort.signal);
    abort.abort();
    await sleeping;
    expect(realClock.now() - started).toBeLessThan(1_000);
  });
});
