/** Shim of `k6/metrics` for the harness: every sample becomes a Point line of k6's JSON output. */
import type { HarnessContext } from '../protocol.ts';

const ctx = (): HarnessContext => (globalThis as unknown as { __tbK6: HarnessContext }).__tbK6;

class Metric {
  constructor(readonly name: string) {}
  add(value: number | boolean, tags: Record<string, string> = {}): void {
    ctx().emit(this.name, typeof value === 'boolean' ? (value ? 1 : 0) : value, tags);
  }
}
export class Counter extends Metric {}
export class Rate extends Metric {}
export class Trend extends Metric {}
export class Gauge extends Metric {}
