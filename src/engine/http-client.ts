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

/**
 * When a VU's next request was meant to go out (performance.now() ms), for coordinated-omission
 * correction in open models: the runner sets it to the iteration's scheduled start, and each
 * completed request moves it to its completion time, since the next request of the iteration was
 * meant to follow at once. Undefined when no correction is wanted.
 */
export interface IntendedStart {
  intendedStartMs: number | undefined;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Sends JSON requests to one origin and records each one's latency and outcome. */
export class TargetHttpClient {
  private readonly pool: Pool;
  /** Set only on views made by `withIntendedStart`. */
  private intended: IntendedStart | undefined;

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
   * A view of this client for one VU of an open model: same pool and metrics, and every request
   * also records its corrected latency (completion − `intended.intendedStartMs`), as wrk2 does.
   * The view inherits the pool through its prototype rather than opening its own connections;
   * close the original client, not the view.
   */
  withIntendedStart(intended: IntendedStart): TargetHttpClient {
    const view = Object.create(this) as TargetHttpClient;
    view.intended = intended;
    return view;
  }

  /**
   * Sends a request and reads the whole body.
   * @param name request name for metrics, e.g. `hold`
   * @param body sent as JSON when given
   * @throws RequestError when no HTTP answer arrived (timeout, connection error)
   */
  async request(name: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<HttpResponse> {
    const started = performance.now();
    // Read at send time, so that concurrent requests of one iteration share the same intended start.
    const intendedAt = this.intended?.intendedStartMs;
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
      this.recordCorrected(name, intendedAt, started, ended);
      return { status: res.statusCode, headers: res.headers, json: parseJson(text), text, latencyMs: ended - started };
    } catch (err) {
      const ended = performance.now();
      const rawCode = (err as { code?: unknown }).code;
      const errorCode = typeof rawCode === 'string' ? (TIMEOUT_CODES.has(rawCode) ? 'timeout' : rawCode) : 'request-error';
      this.metrics?.record(name, { errorCode }, (ended - started) * 1000, ended);
      this.recordCorrected(name, intendedAt, started, ended);
      throw new RequestError(errorCode, `${method} ${path}: ${describeError(err)}`, err);
    }
  }

  private recordCorrected(name: string, intendedAt: number | undefined, started: number, ended: number): void {
    if (!this.intended || intendedAt === undefined) return;
    // An intended start after the actual send would make the corrected figure smaller than the
    // measured one; it cannot happen with a correct schedule, so clamp rather than under-report.
    this.metrics?.recordCorrected(name, (ended - Math.min(intendedAt, started)) * 1000);
    this.intended.intendedStartMs = Math.max(this.intended.intendedStartMs ?? ended, ended);
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
