/** Subscribing to a run's events as one set of listeners, removable in one call. */
import type { RunEmitter, RunEventMap } from './types.ts';

/** One listener per run event. */
export type RunListeners = { [K in keyof RunEventMap]: (...args: RunEventMap[K]) => void };

/** Adds every listener to the emitter; returns a function that removes them all. */
export function subscribe(emitter: RunEmitter, listeners: RunListeners): () => void {
  const names = Object.keys(listeners) as (keyof RunEventMap)[];
  for (const name of names) emitter.on(name, listeners[name] as (...args: unknown[]) => void);
  return () => {
    for (const name of names) emitter.off(name, listeners[name] as (...args: unknown[]) => void);
  };
}
