/**
 * The HTTP client VUs use to talk to the target: one pool of keep-alive connections per run
 * (src/engine/http1.ts), every request timed into RunMetrics under its name.
 */
import { performance } from 'node:perf_hooks';
import { Http1Pool, type Http1Answer, type Http1Error, type Http1Exchange } from './http1.ts';
import { areValidHeaders, isValidRequestPath, RequestWriter } from './http1/request-writer.ts';
import type { RunMetrics } from './metrics.ts';

/** An answer from the target. `json` is the parsed body, or undefined when it was not JSON. */
export interface HttpResponse {
  readonly status: number;
  /** Response headers, names in lower case; a repeated header gives an array. */
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
  /** e.g. `timeout`, `ECONNREFUSED`, `ECONNRESET`, `socket-closed`. */
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
  /** Per-request timeout, from send to the full answer, ms. */
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

/** HTTP methods the engine sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';


/** Sends JSON requests to one origin and records each one's latency and outcome. */
export class TargetHttpClient {
  private readonly pool: Http1Pool;
  private readonly writer: RequestWriter;
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
    this.pool = new Http1Pool(baseUrl, { connections: options.connections, timeoutResolutionMs: options.timeoutMs / 20 });
    this.writer = new RequestWriter(new URL(baseUrl).host);
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
   * Sends a request and reads the whole body. The answer's headers, text and JSON are decoded on
   * first access, so a scenario that reads only the status pays for none of them.
   * @param name request name for metrics, e.g. `hold`
   * @param body sent as JSON when given
   * @param headers extra request headers (a profile's `X-User-Key`, a queue token)
   * @returns rejects with RequestError when no HTTP answer arrived (timeout, connection error), or
   *   the path or a header cannot be sent (`invalid-request`)
   */
  request(name: string, method: HttpMethod, path: string, body?: unknown, headers?: Readonly<Record<string, string>>): Promise<HttpResponse> {
    // undici refuses the same paths: controls, space and anything beyond latin1.
    if (!isValidRequestPath(path)) {
      return Promise.reject(new RequestError('invalid-request', `${method} ${path}: invalid request path`, undefined));
    }
    if (headers !== undefined && !areValidHeaders(headers)) {
      return Promise.reject(new RequestError('invalid-request', `${method} ${path}: a header name or value cannot be sent (${Object.keys(headers).join(', ')})`, undefined));
    }
    const started = performance.now();
    // Read at send time, so that concurrent requests of one iteration share the same intended start.
    const intendedAt = this.intended?.intendedStartMs;
    const payload = this.writer.write(method, path, body, headers);
    return new Promise<HttpResponse>((resolve, reject) => {
      this.pool.send(new Exchange(this, name, method, path, payload, started, started + this.options.timeoutMs, intendedAt, resolve, reject));
    });
  }

  /**
   * Opens `count` connections ahead of the first requests (at most the pool's), so that an open
   * model's first arrivals do not wait behind a storm of TCP handshakes; waits at most the
   * request timeout, and an unreachable target is left for the requests to report.
   */
  async preconnect(count: number): Promise<void> {
    await this.pool.preconnect(count, this.options.timeoutMs);
  }

  /** @internal Records a completed request; called by its exchange at completion. */
  recordAnswer(name: string, status: number, intendedAt: number | undefined, started: number, ended: number): void {
    this.metrics?.recordStatus(name, status, (ended - started) * 1000, ended);
    this.recordCorrected(name, intendedAt, started, ended);
  }

  /** @internal Records a request that got no answer. */
  recordFailure(name: string, errorCode: string, intendedAt: number | undefined, started: number, ended: number): void {
    this.metrics?.recordError(name, errorCode, (ended - started) * 1000, ended);
    this.recordCorrected(name, intendedAt, started, ended);
  }

  private recordCorrected(name: string, intendedAt: number | undefined, started: number, ended: number): void {
    if (!this.intended || intendedAt === undefined) return;
    // An intended start after the actual send would make the corrected figure smaller than the
    // measured one; it cannot happen with a correct schedule, so clamp rather than under-report.
    this.metrics?.recordCorrected(name, (ended - Math.min(intendedAt, started)) * 1000);
    this.intended.intendedStartMs = Math.max(this.intended.intendedStartMs ?? ended, ended);
  }

  /** Lets requests in flight finish, then closes the connections. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** One request in flight: what the pool sends, and how its completion is recorded and delivered. */
class Exchange implements Http1Exchange {
  readonly idempotent: boolean;
  readonly head = false;

  constructor(
    private readonly client: TargetHttpClient,
    private readonly name: string,
    private readonly method: HttpMethod,
    private readonly path: string,
    readonly payload: string | Buffer,
    private readonly started: number,
    readonly deadlineMs: number,
    private readonly intendedAt: number | undefined,
    private readonly resolve: (res: HttpResponse) => void,
    private readonly reject: (err: RequestError) => void,
  ) {
    this.idempotent = method === 'GET';
  }

  onAnswer(answer: Http1Answer): void {
    const ended = performance.now();
    this.client.recordAnswer(this.name, answer.status, this.intendedAt, this.started, ended);
    this.resolve(new Response(answer, ended - this.started));
  }

  onError(err: Http1Error): void {
    const ended = performance.now();
    this.client.recordFailure(this.name, err.code, this.intendedAt, this.started, ended);
    this.reject(new RequestError(err.code, `${this.method} ${this.path}: ${err.message}`, err));
  }
}

/**
 * An answer whose headers, text and JSON are decoded when first read. It keeps the bytes it came
 * in (the socket's chunk) and offsets into them rather than copies or views.
 */
class Response implements HttpResponse {
  readonly status: number;
  private readonly data: Buffer;
  private readonly headStart: number;
  private readonly headEnd: number;
  private readonly body: Buffer | undefined;
  private parsedHeaders: Record<string, string | string[]> | undefined;
  private decoded: string | undefined;
  private jsonDone = false;
  private jsonValue: unknown;

  constructor(
    answer: Http1Answer,
    readonly latencyMs: number,
  ) {
    this.status = answer.status;
    this.data = answer.data;
    this.headStart = answer.headStart;
    this.headEnd = answer.headEnd;
    this.body = answer.body;
  }

  get headers(): Readonly<Record<string, string | string[] | undefined>> {
    return (this.parsedHeaders ??= parseHeaderLines(this.data.toString('latin1', this.headStart, this.headEnd)));
  }

  get text(): string {
    return (this.decoded ??= this.body === undefined ? '' : this.body.toString('utf8'));
  }

  get json(): unknown {
    if (!this.jsonDone) {
      this.jsonDone = true;
      this.jsonValue = parseJson(this.text);
    }
    return this.jsonValue;
  }
}

/** Header lines of a raw head (status line first) as lower-case names; a repeated name gives an array. */
export function parseHeaderLines(rawHead: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const lines = rawHead.split('\r\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // A plain object is what scenarios expect; this name would reach its prototype instead.
    if (name === '__proto__') continue;
    const value = line.slice(colon + 1).trim();
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else headers[name] = [seen, value];
  }
  return headers;
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
