import type { RenderOptions } from 'ink';
import type { RunEmitter } from '../run/types.ts';
import { App } from './App.tsx';
import { renderView, type LiveView } from './view-lifecycle.tsx';

export type { LiveView } from './view-lifecycle.tsx';

/**
 * Shows a run live in the terminal (TTY) with Ink. Call before the run starts emitting; events
 * emitted right after this returns are not lost. `options` are ink's render options (tests pass
 * their own stdout).
 */
export function renderLive(emitter: RunEmitter, options?: RenderOptions): LiveView {
  return renderView(<App emitter={emitter} />, options);
}
