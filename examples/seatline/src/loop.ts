/**
 * A background task repeated at a fixed pause, never overlapping itself.
 */
import { describeError, type Logger } from './log.ts';

/** A running loop. */
export interface Loop {
  /** Stops scheduling new ticks and resolves once the tick in flight (if any) has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `tick` now and then again `intervalMs` milliseconds after each tick finished (not started),
 * so a slow tick delays the next instead of stacking up. A failing tick is logged — once per run
 * of identical failures, so an outage does not flood the log — and the loop goes on.
 * @param name used in log lines.
 */
export function startLoop(name: string, intervalMs: number, tick: () => Promise<unknown>, log: Logger): Loop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let lastFailure: string | undefined;
  const run = (): void => {
    inFlight = tick()
      .then(() => {
        if (lastFailure !== undefined) log.info(`${name}: recovered`);
        lastFailure = undefined;
      })
      .catch((err: unknown) => {
        const text = describeError(err);
        if (text !== lastFailure) log.warn(`${name} failed: ${text}`);
        lastFailure = text;
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
