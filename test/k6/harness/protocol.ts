/**
 * What the k6 test harness's main thread and its VU worker threads exchange. The harness runs an
 * exported k6 script in Node: each VU is a worker thread (k6/http is synchronous, so a VU blocks
 * with Atomics.wait while the main thread performs its requests with a real HTTP client).
 */

/** One request a VU asks the main thread to send. */
export interface ShimRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string | null;
  readonly headers: Record<string, string>;
  readonly timeoutMs: number;
}

/** Its answer; status 0 with `error`/`errorCode` (k6's codes: 1050 timeout, 1211 refused) when none came. */
export interface ShimAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly error: string;
  readonly errorCode: number;
  /** Send to full body, ms. */
  readonly durationMs: number;
}

/** What a VU worker is started with. */
export interface VuWorkerData {
  /** The script with its k6 imports pointing at the shims. */
  readonly scriptPath: string;
  readonly env: Record<string, string>;
  /** k6 `exec.vu.idInTest` (1-based, unique across instances) and `idInInstance`. */
  readonly idInTest: number;
  readonly idInInstance: number;
  readonly instance: number;
  /** shared-iterations: iterations of the whole test, shared through `iterations` (Int32 [next]). */
  readonly iterationsTotal: number;
  readonly iterations: SharedArrayBuffer;
  /** Int32 [go]: 0 until every VU finished its init context. */
  readonly start: SharedArrayBuffer;
  /** Int32 [ready, length] and the answer's bytes. */
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
}

/** Messages from a VU to the main thread. */
export type VuMessage =
  | { readonly type: 'send'; readonly requests: readonly ShimRequest[] }
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly lines: readonly string[]; readonly errors: readonly string[] };

/** The VU's side of the shims: what the shim modules call (globalThis.__tbK6). */
export interface HarnessContext {
  readonly vu: { readonly idInTest: number; readonly idInInstance: number };
  readonly scenario: { iterationInTest: number; readonly name: string };
  readonly instance: number;
  /** Sends requests at once and blocks until every answer is in. */
  send(requests: readonly ShimRequest[]): ShimAnswer[];
  /** Records one sample as a k6 JSON output Point line. */
  emit(metric: string, value: number, tags: Record<string, string>): void;
  /** http.setResponseCallback's statuses: which count as expected. */
  expected: (status: number) => boolean;
}
