/** Timeouts and the non-overlapping background loop the relay and the sweep run on. */
import { OutageLog, type Logger } from './log.ts';

/**
 * Resolves with `promise` or rejects after `ms` milliseconds with `<what> timed out after <ms> ms`.
 * The losing promise's rejection is swallowed so it can never become unhandled.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A running background loop. */
export interface Loop {
  /** Stops scheduling ticks and resolves once the tick in progress (if any) has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `tick` every `intervalMs` milliseconds, never two at once: the next tick is scheduled
 * after the previous one settles. A tick resolving `true` (a full batch, more may be waiting)
 * runs the next one immediately. A throwing tick is logged once per run of failures.
 * @param name used in log lines, e.g. `outbox relay`.
 */
export function startLoop(name: string, intervalMs: number, tick: () => Promise<boolean | void>, log: Logger): Loop {
  const outage = new OutageLog(log, name);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = runOnce().finally(() => {
        running = undefined;
      });
    }, delayMs);
  };

  const runOnce = async (): Promise<void> => {
    let more = false;
    try {
      more = (await tick()) === true;
      outage.succeeded();
    } catch (err) {
      outage.failed(err);
    }
    schedule(more ? 0 : intervalMs);
  };

  schedule(0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/**
 * Wraps an expensive read so it runs at most once per `ms`: calls within `ms` of the last
 * successful read get its result, and calls while a read is in flight share it. A failed read is
 * not cached, so the next call tries again.
 * @param now ms clock, for tests.
 */
export function cachedFor<T>(ms: number, read: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let last: { value: T; at: number } | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (last && now() - last.at < ms) return Promise.resolve(last.value);
    pending ??= read()
      .then((value) => {
        last = { value, at: now() };
        return value;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
