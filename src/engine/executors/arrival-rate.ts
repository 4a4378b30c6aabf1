/**
 * The open-model scheduler shared by k6's two arrival-rate executors: iterations start at times
 * fixed in advance, whether or not earlier ones have finished; an iteration due while every VU is
 * busy and `maxVUs` are already allocated is dropped and counted, never queued (a queue would turn
 * the open model back into a closed one and hide the server's slowness).
 * Every start time is computed from the executor's start (iteration i at start + offset(i)), not
 * by chaining timers, so timer lateness never accumulates into drift.
 * Sources: k6 docs, executors/constant-arrival-rate and executors/ramping-arrival-rate
 * (`dropped_iterations`, `preAllocatedVUs`, `maxVUs`); wrk2's constant-throughput scheduling.
 */
import { realClock } from '../clock.ts';
import type { RateStage } from '../types.ts';
import type { VuContext } from '../vu.ts';
import type { ExecutorRuntime } from './types.ts';

/**
 * Offset in ms from the executor's start at which iteration `i` (0-based) is due, or undefined
 * when it would fall at or after the end. Offsets never decrease with `i`.
 */
export type ArrivalSchedule = (i: number) => number | undefined;

/** Iteration i at i · timeUnit / rate, for i · interval < duration (k6 `constant-arrival-rate`). */
export function constantSchedule(config: { readonly rate: number; readonly timeUnitMs: number; readonly durationMs: number }): ArrivalSchedule {
  const intervalMs = config.timeUnitMs / config.rate;
  return (i) => {
    const offset = i * intervalMs;
    return offset < config.durationMs ? offset : undefined;
  };
}

interface Segment {
  readonly startMs: number;
  readonly durationMs: number;
  /** Rates at both ends, iterations per ms. */
  readonly from: number;
  readonly to: number;
  /** Iterations due before the segment starts (the integral of the rate so far). */
  readonly before: number;
  /** Iterations due within it. */
  readonly area: number;
}

/**
 * Iteration i at the time when the integral of the rate reaches i (k6 `ramping-arrival-rate`):
 * the rate starts at `startRate` and moves linearly to each stage's target over the stage's
 * duration. On a linear segment the integral is quadratic, so the time is solved exactly.
 */
export function rampingSchedule(config: { readonly startRate: number; readonly timeUnitMs: number; readonly stages: readonly RateStage[] }): ArrivalSchedule {
  const segments: Segment[] = [];
  let startMs = 0;
  let before = 0;
  let rate = config.startRate;
  for (const stage of config.stages) {
    const from = rate / config.timeUnitMs;
    const to = stage.target / config.timeUnitMs;
    // (from + to) / 2 · duration, with one division last so that whole areas stay whole numbers.
    const area = ((rate + stage.target) * stage.durationMs) / (2 * config.timeUnitMs);
    segments.push({ startMs, durationMs: stage.durationMs, from, to, before, area });
    startMs += stage.durationMs;
    before += area;
    rate = stage.target;
  }
  const totalMs = startMs;
  const total = before;

  return (i) => {
    if (i >= total) return undefined;
    const segment = segments.find((s) => s.area > 0 && i < s.before + s.area);
    if (!segment) return undefined;
    const due = i - segment.before;
    if (due <= 0) return segment.startMs;
    // Solve before + from·τ + k·τ² = i for τ, with k = (to − from) / (2·duration). This form of
    // the quadratic root stays accurate when k is 0 (a flat stage) or negative (a ramp down).
    const k = (segment.to - segment.from) / (2 * segment.durationMs);
    const tau = (2 * due) / (segment.from + Math.sqrt(Math.max(0, segment.from * segment.from + 4 * k * due)));
    const offset = segment.startMs + Math.min(tau, segment.durationMs);
    return offset < totalMs ? offset : undefined;
  };
}

/**
 * Runs iterations at the times `schedule` gives, on free VUs: pre-allocated ones first, then new
 * ones up to `maxVUs`; when none is free the iteration is dropped. Resolves when the schedule
 * ends (or the run is aborted) and every started iteration has finished.
 */
export async function runArrivals(schedule: ArrivalSchedule, limits: { readonly maxVUs: number }, runtime: ExecutorRuntime): Promise<void> {
  const clock = runtime.clock ?? realClock;
  const start = clock.now();
  // FIFO, so that iterations rotate over the VUs (a scenario may map VU ids to users or seats).
  const free = new VuQueue(runtime.vus);
  let allocated = runtime.vus.length;
  const inFlight = new Set<Promise<void>>();
  let stopWaiting = (): void => {};
  const aborted = new Promise<void>((resolve) => {
    stopWaiting = resolve;
    if (runtime.signal.aborted) resolve();
    else runtime.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  let overdueStarts = 0;

  try {
    for (let i = 0; !runtime.signal.aborted; i++) {
      const offset = schedule(i);
      if (offset === undefined) break;
      const due = start + offset;
      // When behind (a blocked event loop), due iterations start at once rather than being skipped.
      // The race covers clocks that ignore the signal.
      if (clock.now() < due) {
        await Promise.race([clock.sleepUntil(due, runtime.signal), aborted]);
        overdueStarts = 0;
      } else if (++overdueStarts > MAX_STARTS_WITHOUT_IO && clock.yieldToIo) {
        // Starting a long run of overdue iterations in one go would keep their answers unread
        // meanwhile: every VU ends up busy and later arrivals are dropped though the target
        // answered in time. Each keeps its scheduled start for the corrected latency.
        await clock.yieldToIo();
        overdueStarts = 0;
      }
      if (runtime.signal.aborted) break;

      let vu = free.take();
      if (!vu && allocated < limits.maxVUs) {
        vu = runtime.allocateVu();
        allocated += 1;
      }
      if (!vu) {
        runtime.dropIteration();
        continue;
      }
      const busy = vu;
      const run: Promise<void> = runtime.runIteration(busy, due).finally(() => {
        inFlight.delete(run);
        free.put(busy);
      });
      inFlight.add(run);
    }
    await Promise.all(inFlight);
  } finally {
    stopWaiting();
  }
}

/** Overdue iterations started back to back before the scheduler lets pending I/O run. */
const MAX_STARTS_WITHOUT_IO = 32;

/** A FIFO of free VUs that takes and puts in constant time (Array#shift moves every element). */
class VuQueue {
  private items: (VuContext | undefined)[];
  private head = 0;
  private count: number;

  constructor(initial: readonly VuContext[]) {
    this.items = [...initial];
    this.count = initial.length;
  }

  take(): VuContext | undefined {
    if (this.count === 0) return undefined;
    const vu = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count -= 1;
    return vu;
  }

  put(vu: VuContext): void {
    if (this.count === this.items.length) {
      // Full: unroll into a larger ring, oldest first.
      this.items = [...this.items.slice(this.head), ...this.items.slice(0, this.head), ...new Array<undefined>(Math.max(8, this.items.length))];
      this.head = 0;
    }
    this.items[(this.head + this.count) % this.items.length] = vu;
    this.count += 1;
  }
}
