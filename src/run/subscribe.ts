/** Subscribing to an emitter's events (a run's, a comparison's) as one set of listeners, removable in one call. */
import type { EventEmitter } from 'node:events';
import type { RunEventMap } from './types.ts';

/** One listener per event of an event map. */
export type Listeners<M extends Record<keyof M, unknown[]>> = { [K in keyof M]: (...args: M[K]) => void };

/** One listener per run event. */
export type RunListeners = Listeners<RunEventMap>;

/** Adds every listener to the emitter; returns a function that removes them all. */
export function subscribe<M extends Record<keyof M, unknown[]>>(emitter: EventEmitter<M>, listeners: Listeners<M>): () => void {
  const names = Object.keys(listeners) as (keyof M)[];
  const untyped = emitter as unknown as EventEmitter;
  for (const name of names) untyped.on(name as string, listeners[name] as (...args: unknown[]) => void);
  return () => {
    for (const name of names) untyped.off(name as string, listeners[name] as (...args: unknown[]) => void);
  };
}
