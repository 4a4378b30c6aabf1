/**
 * The time source of the arrival-rate scheduler, injectable so that schedules are tested with a
 * fake clock instead of real sleeps. Times are milliseconds on the performance.now() scale.
 */
import { performance } from 'node:perf_hooks';

/** A monotonic clock the scheduler reads and waits on. */
export interface Clock {
  /** Current time, ms. */
  now(): number;
  /**
   * Resolves once `now()` has reached `ms` (at once when it already has). A clock may also
   * resolve early when `signal` aborts, so that a stopped run does not keep a timer alive.
   */
  sleepUntil(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Resolves after pending I/O callbacks have run (a macrotask), so that a scheduler catching up
   * does not starve the answers it is waiting for. Optional: a fake clock has no I/O to let run.
   */
  yieldToIo?(): Promise<void>;
}

/**
 * performance.now() and timers. A timer may fire a little before its delay (Node truncates
 * fractional delays), so it re-arms until the target is really reached: an iteration must never
 * start before its scheduled time, or its corrected latency would be understated.
 */
export const realClock: Clock = {
  now: () => performance.now(),
  sleepUntil: (ms, signal) =>
    new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const check = (): void => {
        const remaining = ms - performance.now();
        if (remaining <= 0 || signal?.aborted) done();
        else timer = setTimeout(check, Math.ceil(remaining));
      };
      signal?.addEventListener('abort', done, { once: true });
      check();
    }),
  yieldToIo: () => new Promise<void>((resolve) => setImmediate(resolve)),
};
