/**
 * Shim of `k6/http` for the harness: requests go through the main thread's real HTTP client and
 * block the VU until answered, as k6's do; each records k6's `http_reqs`, `http_req_duration` and
 * `http_req_failed` samples with k6's tags (name, method, status, url, expected_response, error_code).
 */
import type { HarnessContext, ShimAnswer, ShimRequest } from '../protocol.ts';

const ctx = (): HarnessContext => (globalThis as unknown as { __tbK6: HarnessContext }).__tbK6;

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseType?: string;
}

function timeoutMs(timeout: string | number | undefined): number {
  if (timeout === undefined) return 60_000;
  if (typeof timeout === 'number') return timeout;
  const m = /^(\d+)(ms|s|m)$/.exec(timeout);
  return m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000) : 60_000;
}

function toRequest(method: string, url: string, body: string | null | undefined, params: Params = {}): ShimRequest {
  return { method, url, body: body ?? null, headers: params.headers ?? {}, timeoutMs: timeoutMs(params.timeout) };
}

function respond(req: ShimRequest, params: Params, answer: ShimAnswer) {
  const c = ctx();
  const expected = answer.status !== 0 && c.expected(answer.status);
  const tags: Record<string, string> = {
    method: req.method,
    url: req.url,
    name: params.tags?.['name'] ?? req.url,
    status: String(answer.status),
    expected_response: String(expected),
    scenario: c.scenario.name,
    group: '',
    ...(answer.errorCode ? { error_code: String(answer.errorCode) } : {}),
  };
  c.emit('http_reqs', 1, tags);
  c.emit('http_req_duration', answer.durationMs, tags);
  c.emit('http_req_failed', expected ? 0 : 1, tags);
  return { status: answer.status, headers: answer.headers, body: answer.body, error: answer.error, error_code: answer.errorCode, timings: { duration: answer.durationMs } };
}

export function request(method: string, url: string, body?: string | null, params: Params = {}) {
  const req = toRequest(method, url, body, params);
  return respond(req, params, ctx().send([req])[0]!);
}

export function batch(requests: readonly { method: string; url: string; body?: string | null; params?: Params }[]) {
  const reqs = requests.map((r) => toRequest(r.method, r.url, r.body, r.params));
  const answers = ctx().send(reqs);
  return answers.map((a, i) => respond(reqs[i]!, requests[i]!.params ?? {}, a));
}

type Expected = number | { min: number; max: number };

export function expectedStatuses(...statuses: Expected[]): (status: number) => boolean {
  return (status) => statuses.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max));
}

export function setResponseCallback(callback: (status: number) => boolean): void {
  ctx().expected = callback;
}

export default { request, batch, expectedStatuses, setResponseCallback };
