/**
 * The HTTP client VUs use to talk to the target: one undici keep-alive Pool per run, every
 * request timed into RunMetrics under its name.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { describeError } from '../errors.ts';
import type { RunMetrics } from './metrics.ts';

/** An answer from the target. `json` is the parsed body, or undefined when it was not JSON. */
export interface HttpResponse {
  readonly status: number;
  /** Response headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly json: unknown;
  readonly text: string;
  /** Send to full body, milliseconds. */
  readonly latencyMs: number;
}

/**
 * A request that got no HTTP answer: timeout, refused or reset connection. The operation it
 * belonged to is indeterminate (`info`): the target may still have acted on it.
 */
export class RequestError extends Error {
  /** e.g. `timeout`, `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  readonly errorCode: string;
  constructor(errorCode: string, message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'RequestError';
    this.errorCode = errorCode;
  }
}

/** Options of a TargetHttpClient. */
export interface HttpClientOptions {
  /** Keep-alive connections in the pool; normally the number of VUs. */
  readonly connections: number;
  /** Per-request timeout for headers and for the body, ms. */
  readonly timeoutMs: number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Sends JSON requests to one origin and records each one's latency and outcome. */
export class TargetHttpClient {
  private readonly pool: Pool;

  /**
   * @param baseUrl origin of the target, e.g. `http://127.0.0.1:8080`
   * @param metrics where latencies and status counts go; requests are not timed when omitted
   */
  constructor(
    readonly baseUrl: string,
    private readonly options: HttpClientOptions,
    private readonly metrics?: RunMetrics,
  ) {
    this.pool = new Pool(baseUrl, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  /**
   * Sends a request and reads the whole body.
   * @param name request name for metrics, e.g. `hold`
   * @param body sent as JSON when given
   * @throws RequestError when no HTTP answer arrived (timeout, connection error)
   */
  async request(name: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<HttpResponse> {
    const started = performance.now();
    try {
      const res = await this.pool.request({
        path,
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const text = await res.body.text();
      const ended = performance.now();
      this.metrics?.record(name, { status: res.statusCode }, (ended - started) * 1000, ended);
      return { status: res.statusCode, headers: res.headers, json: parseJson(text), text, latencyMs: ended - started };
    } catch (err) {
      const ended = performance.now();
      const rawCode = (err as { code?: unknown }).code;
      const errorCode = typeof rawCode === 'string' ? (TIMEOUT_CODES.has(rawCode) ? 'timeout' : rawCode) : 'request-error';
      this.metrics?.record(name, { errorCode }, (ended - started) * 1000, ended);
      throw new RequestError(errorCode, `${method} ${path}: ${describeError(err)}`, err);
    }
  }

  /** Closes the pool's connections. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
