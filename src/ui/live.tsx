import { render, type RenderOptions } from 'ink';
import type { RunEmitter } from '../run/types.ts';
import { App } from './App.tsx';

/** Handle on the live view returned by renderLive. */
export interface LiveView {
  /** Resolves once the run's `done` event has been drawn and Ink has exited (or after unmount). */
  waitUntilExit(): Promise<void>;
  /** Tears the view down now; for a run that failed and will never emit `done`. */
  unmount(): void;
}

/**
 * Shows a run live in the terminal (TTY) with Ink. Call before the run starts emitting; events
 * emitted right after this returns are not lost. `options` are ink's render options (tests pass
 * their own stdout).
 */
export function renderLive(emitter: RunEmitter, options?: RenderOptions): LiveView {
  const instance = render(<App emitter={emitter} />, options);
  return {
    async waitUntilExit() {
      await instance.waitUntilExit();
    },
    unmount() {
      instance.unmount();
    },
  };
}
