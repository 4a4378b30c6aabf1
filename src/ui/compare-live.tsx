import type { RenderOptions } from 'ink';
import type { CompareEmitter } from '../compare/types.ts';
import { CompareApp } from './CompareApp.tsx';
import { renderView, type LiveView } from './view-lifecycle.tsx';

/**
 * Shows a comparison live in the terminal (TTY) with Ink. Call before the comparison starts
 * emitting. `options` are ink's render options (tests pass their own stdout). The handle is the
 * same as `renderLive`'s: wait for the end, or unmount on error.
 */
export function renderCompareLive(emitter: CompareEmitter, options?: RenderOptions): LiveView {
  return renderView(<CompareApp emitter={emitter} />, options);
}
