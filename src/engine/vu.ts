/**
 * A virtual user: its id, iteration counter, HTTP client, and `op`, which records an operation
 * in the history as invoke → ok / fail / info. The runner, not the scenario, turns a thrown error
 * into `info` (Jepsen's rule: an operation whose outcome is unknown may have happened).
 */
import { performance } from 'node:perf_hooks';
import { describeError } from '../errors.ts';
import type { History } from './history.ts';
import type { HttpResponse, TargetHttpClient } from './http-client.ts';
import { fail, info, NO_FIELDS, type OpFields, type OpResult } from './op-result.ts';

export { fail, info, ok, type OpResult } from './op-result.ts';

/**
 * Classifies an HTTP answer that is not the expected success: 4xx → `fail` (the target refused
 * it), anything else (5xx, unexpected 2xx/3xx) → `info` (it may have taken effect).
 * The result carries `status` and the error body's `code` when present.
 */
export function classifyUnexpected(res: HttpResponse): OpResult {
  const code = errorCodeOf(res.json);
  const result: OpFields = code ? { status: res.status, code } : { status: res.status };
  if (res.status >= 400 && res.status < 500) return fail(result, code ?? `HTTP ${res.status}`);
  return info(`HTTP ${res.status}${code ? ` ${code}` : ''}: ${res.text.slice(0, 120)}`, result);
}

/** The `error.code` of a JSON error body `{ error: { code } }`, if any. */
export function errorCodeOf(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What a scenario's iteration function receives. */
export class VuContext {
  /** Iterations this VU started, including the current one. */
  iteration = 0;

  /**
   * @param id VU number, 1-based
   * @param runStartMs performance.now() at the start of the load phase (history times are relative to it)
   */
  constructor(
    readonly id: number,
    readonly http: TargetHttpClient,
    private readonly history: History,
    private readonly runStartMs: number,
  ) {}

  /**
   * Performs and records one operation.
   * @param f operation name, e.g. `hold`
   * @param value what is asked, e.g. `{ scheduleId, seatNo, userId }`
   * @param perform does the work and classifies the outcome; a throw is recorded as `info`
   * @returns the recorded outcome
   */
  async op(f: string, value: OpFields, perform: () => Promise<OpResult>): Promise<OpResult> {
    const index = this.history.invoke();
    const invokeUs = (performance.now() - this.runStartMs) * 1000;
    let outcome: OpResult;
    try {
      outcome = await perform();
    } catch (err) {
      outcome = info(describeError(err));
    }
    // Recorded from its parts: an Op object per operation is what made long runs heavy.
    this.history.record(index, this.id, f, outcome.type, value, outcome.result ?? NO_FIELDS, outcome.error || undefined, invokeUs, (performance.now() - this.runStartMs) * 1000);
    return outcome;
  }
}
