/**
 * A lean HTTP/1.1 client for the load generator: keep-alive connections to one origin, one
 * request in flight per connection (no pipelining), each request written with one `write` and
 * each response parsed straight from the socket's `data` chunks.
 *
 * Why not undici: on a 2-core machine the generator competes with the service it measures, and
 * every microsecond it spends per request is taken from the target. Against an nginx returning
 * 200 from memory, a bare undici `Client.dispatch` loop reached 62–71k req/s (its socket reads go
 * through a paused Readable and a WebAssembly parser that allocates a Buffer per header), while
 * a raw socket loop reached ~105k req/s on the same machine (bench/README.md). This client keeps
 * close to the latter: the request head of a body-less request is serialised once and reused,
 * the response head is one latin1 string scanned only for the framing headers, and the headers
 * object, text and JSON of a response are built only when a scenario reads them.
 *
 * Scope: what a load generator needs from HTTP/1.1: Content-Length and chunked bodies, bodies
 * delimited by the connection's end, 1xx interim responses skipped, `Connection: close`,
 * HTTP/1.0 answers, `http:` and `https:` origins. Idempotent requests (GET, HEAD) that fail on a
 * reused connection before any answer byte (the server closed it while idle) are retried once on a
 * fresh connection, as browsers and undici do; others fail (their outcome is unknown).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';

/** Why a request got no complete answer: a Node socket code (`ECONNREFUSED`…), `timeout`, `socket-closed`, `parse-error`, `client-closed`. */
export class Http1Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'Http1Error';
  }
}

/**
 * A complete answer, as Http1Exchange.onAnswer sees it: one record per connection, reused for
 * every answer (no object per request), so it is valid only during that call. The head (status
 * line and header lines, without the blank line) is `data[headStart, headEnd)`; the body is
 * `body` when it came in one piece with the head, else the concatenation of its pieces.
 */
export interface Http1Answer {
  status: number;
  data: Buffer;
  headStart: number;
  headEnd: number;
  /** Undefined for an empty body. */
  body: Buffer | undefined;
}

/**
 * One request in flight. The pool calls exactly one of `onAnswer` and `onError`, synchronously
 * from the socket callback that completed it, so that the completion time can be read there
 * rather than after a promise hop.
 */
export interface Http1Exchange {
  /** The serialised request, head and body; a string is sent as UTF-8. */
  readonly payload: string | Buffer;
  /** GET and HEAD: safe to send again when a reused connection failed before any answer. */
  readonly idempotent: boolean;
  /** HEAD: the answer has no body whatever its headers say. */
  readonly head: boolean;
  /** performance.now() after which the request fails with `timeout`. */
  readonly deadlineMs: number;
  /** @param answer valid only during the call */
  onAnswer(answer: Http1Answer): void;
  onError(err: Http1Error): void;
}

/** Options of an Http1Pool. */
export interface Http1PoolOptions {
  /** Most connections open at once; a request finding them all busy waits for one (FIFO). */
  readonly connections: number;
  /** Resolution of request timeouts, ms: the deadline sweep runs this often. */
  readonly timeoutResolutionMs: number;
  /**
   * A connection idle longer than this is closed rather than reused, ms: Node's HTTP server
   * closes idle keep-alive connections after 5 s, and reusing one it is closing fails the
   * request. Lowered by a `Keep-Alive: timeout=n` hint of the server (n − 1 s). Default 4,000.
   */
  readonly keepAliveTimeoutMs?: number;
}

const EMPTY = Buffer.alloc(0);
const CONTENT_LENGTH = lowerBytes('content-length');
const TRANSFER_ENCODING = lowerBytes('transfer-encoding');
const CONNECTION = lowerBytes('connection');
const KEEP_ALIVE = lowerBytes('keep-alive');
const CLOSE = lowerBytes('close');
/** Results of Connection.onHead besides a position. */
const INCOMPLETE = -1;
const FAILED = -2;
/** Longest response head accepted, bytes (Node's HTTP parser allows 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;
/** Bytes one socket read may bring (a larger answer arrives in several reads). */
const READ_BUFFER_BYTES = 64 * 1024;
const DEFAULT_KEEP_ALIVE_MS = 4_000;

const enum State {
  Idle,
  Head,
  BodyLength,
  BodyUntilClose,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
}

/** Keep-alive HTTP/1.1 connections to one origin, one request at a time on each. */
export class Http1Pool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  /** Waiting requests, FIFO: an array with a moving head, so dequeuing never shifts. */
  private queue: Http1Exchange[] = [];
  private queueHead = 0;
  private readonly sweep: NodeJS.Timeout;
  private closing: (() => void) | undefined;
  private closed = false;
  /** @internal read by connections */
  keepAliveMs: number;
  /**
   * performance.now() as of the last sweep: idle ages need no better precision than the
   * keep-alive margin (1 s), and reading the clock per request would cost more than it gives.
   */
  private coarseNow = performance.now();
  /** @internal */
  readonly host: string;
  private readonly port: number;
  private readonly tls: boolean;
  private readonly servername: string;
  /**
   * Where every plain-TCP connection of the pool reads into (net's `onread`): no buffer is
   * allocated per read and no Readable stream is involved. One buffer serves them all, since a
   * read is handed to its callback before the next socket is read; connections copy what they
   * keep past that callback.
   */
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

  /** @internal The buffer plain-TCP reads share (see readBuffer). */
  get sharedBuffer(): Buffer {
    return this.readBuffer;
  }

  /** @param origin e.g. `http://127.0.0.1:8080`; a path, query or credentials are rejected. */
  constructor(
    origin: string,
    private readonly options: Http1PoolOptions,
  ) {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol} in ${origin}`);
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.username || url.password) {
      throw new Error(`${origin} must be an origin (scheme, host and port only)`);
    }
    this.tls = url.protocol === 'https:';
    this.host = url.host;
    // URL keeps the brackets of an IPv6 literal, which net.connect does not want.
    this.servername = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = url.port ? Number(url.port) : this.tls ? 443 : 80;
    this.keepAliveMs = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_MS;
    // At least four sweeps a second, so that idle ages stay well within the keep-alive margin.
    this.sweep = setInterval(() => this.expire(), Math.min(250, Math.max(1, options.timeoutResolutionMs)));
    // The sweep must not keep a finished process alive; requests in flight keep their sockets.
    this.sweep.unref();
  }

  /** Sends a request on an idle connection, a new one, or queues it until one is free. */
  send(exchange: Http1Exchange): void {
    if (this.closed) {
      exchange.onError(new Http1Error('client-closed', 'the HTTP client is closed'));
      return;
    }
    let conn = this.idle.pop();
    // Most recently used first (LIFO): the connections least likely to have been closed by the
    // server while idle. Stale ones are dropped here rather than by a timer per connection.
    while (conn && this.coarseNow - conn.idleSince > this.keepAliveMs) {
      this.drop(conn);
      conn = this.idle.pop();
    }
    if (conn) conn.start(exchange, true);
    else if (this.all.size < this.options.connections) this.open().start(exchange, false);
    else this.queue.push(exchange);
  }

  /**
   * Opens connections until `count` are open (at most `connections`), and resolves once each has
   * connected or failed, or after `timeoutMs`. A failed one is simply gone: requests then open
   * their own and fail as they would have.
   */
  async preconnect(count: number, timeoutMs: number): Promise<void> {
    const waits: Promise<void>[] = [];
    while (this.all.size < Math.min(count, this.options.connections)) {
      const conn = this.open();
      conn.idleSince = this.coarseNow;
      this.idle.push(conn);
      waits.push(conn.settled);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(waits), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private open(): Connection {
    let conn: Connection;
    if (this.tls) {
      // TLS sockets get a fresh chunk per read, which the connection may keep as is.
      const socket = tlsConnect({ host: this.servername, port: this.port, servername: this.servername, ALPNProtocols: ['http/1.1'] });
      conn = new Connection(this, socket, true, false);
      socket.on('data', (chunk: Buffer) => conn.onData(chunk, chunk.length));
    } else {
      const socket = netConnect({
        host: this.servername,
        port: this.port,
        onread: {
          buffer: this.readBuffer,
          callback: (length, buffer) => {
            conn.onData(buffer as Buffer, length);
            return true;
          },
        },
      });
      conn = new Connection(this, socket, false, true);
    }
    this.all.add(conn);
    return conn;
  }

  /** @internal A connection finished its exchange and may take another. */
  release(conn: Connection): void {
    const next = this.dequeue();
    if (next) conn.start(next, true);
    else {
      conn.idleSince = this.coarseNow;
      this.idle.push(conn);
      this.checkClosed();
    }
  }

  /**
   * @internal A connection is gone. `retry` is an exchange it could not start that may be sent
   * again on a fresh connection.
   */
  removed(conn: Connection, retry?: Http1Exchange): void {
    if (!this.all.delete(conn)) return;
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
    if (retry) {
      if (this.closed) retry.onError(new Http1Error('client-closed', 'the HTTP client is closed'));
      else this.open().start(retry, false);
    }
    // Waiting requests need a connection; this one's slot is free again.
    const next = this.all.size < this.options.connections ? this.dequeue() : undefined;
    if (next) this.open().start(next, false);
    this.checkClosed();
  }

  private drop(conn: Connection): void {
    this.all.delete(conn);
    conn.destroy();
  }

  private dequeue(): Http1Exchange | undefined {
    if (this.queueHead >= this.queue.length) return undefined;
    const next = this.queue[this.queueHead++];
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return next;
  }

  /** Fails requests past their deadline, their connection with them (a late answer would be read as the next one's). */
  private expire(): void {
    const now = performance.now();
    this.coarseNow = now;
    for (const conn of this.all) conn.expireIfDue(now);
    while (this.queueHead < this.queue.length && this.queue[this.queueHead]!.deadlineMs <= now) {
      // Deadlines grow with send order, so the head of the queue expires first.
      const late = this.dequeue()!;
      late.onError(new Http1Error('timeout', 'timed out waiting for a free connection'));
    }
    this.checkClosed();
  }

  private get busy(): boolean {
    return this.all.size > this.idle.length || this.queueHead < this.queue.length;
  }

  private checkClosed(): void {
    if (this.closing && !this.busy) {
      const done = this.closing;
      this.closing = undefined;
      for (const conn of this.all) conn.destroy();
      this.all.clear();
      this.idle.length = 0;
      clearInterval(this.sweep);
      done();
    }
  }

  /** Lets requests in flight finish, then closes every connection. Later requests fail with `client-closed`. */
  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => {
      this.closing = resolve;
      this.checkClosed();
    });
  }
}

/** One keep-alive socket and the parser of the answer in flight on it. */
class Connection {
  idleSince = 0;
  private exchange: Http1Exchange | undefined;
  /** The exchange was sent on a connection that had already served one (a stale-socket retry is possible). */
  private reused = false;
  /** Bytes of the current answer seen; a retry is safe only while 0. */
  private received = 0;
  private state = State.Idle;
  /** A head (or chunk-size / trailer line) split across socket chunks. */
  private partial: Buffer | undefined;
  private readonly answer: Http1Answer = { status: 0, data: EMPTY, headStart: 0, headEnd: 0, body: undefined };
  private remaining = 0;
  private bodyParts: Buffer[] | undefined;
  private body: Buffer | undefined;
  private keepAlive = true;
  private dead = false;
  /** Resolves once the socket has connected (TLS: secured) or failed. */
  readonly settled: Promise<void>;

  /**
   * @param sharedReads the socket reads into a buffer reused after each read: bytes kept past
   *   `onData` must be copied
   */
  constructor(
    private readonly pool: Http1Pool,
    private readonly socket: Socket,
    tls: boolean,
    private readonly sharedReads: boolean,
  ) {
    socket.setNoDelay(true);
    this.settled = new Promise<void>((resolve) => {
      socket.once(tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('close', () => resolve());
    });
    socket.on('end', () => this.onEnd());
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err.code ?? 'socket-error', err.message, err));
    socket.on('close', () => this.fail('socket-closed', 'the server closed the connection before answering'));
  }

  start(exchange: Http1Exchange, reused: boolean): void {
    this.exchange = exchange;
    this.reused = reused;
    this.received = 0;
    this.state = State.Head;
    // 'utf8' is the one encoding Node resolves without a lookup; a Buffer ignores it.
    this.socket.write(exchange.payload, 'utf8');
  }

  expireIfDue(now: number): void {
    if (this.exchange && this.exchange.deadlineMs <= now) {
      const exchange = this.exchange;
      this.exchange = undefined;
      this.destroy();
      this.pool.removed(this);
      exchange.onError(new Http1Error('timeout', 'no complete answer within the request timeout'));
    }
  }

  destroy(): void {
    this.dead = true;
    this.socket.destroy();
  }

  /** Parses `chunk[0, length)`, the bytes one socket read brought. */
  onData(chunk: Buffer, length: number): void {
    if (this.dead) return;
    if (!this.exchange) {
      // Bytes nobody asked for: the stream can no longer be trusted to frame the next answer.
      this.fail('parse-error', 'unexpected data on an idle connection');
      return;
    }
    this.received += length;
    let buf = chunk;
    let end = length;
    let at = 0;
    while (at < end && !this.dead) {
      switch (this.state) {
        case State.Head: {
          if (this.partial) {
            buf = Buffer.concat([this.partial, buf.subarray(at, end)]);
            end = buf.length;
            at = 0;
            this.partial = undefined;
          }
          const next = this.onHead(buf, at, end);
          if (next === INCOMPLETE) {
            if (end - at > MAX_HEAD_BYTES) this.fail('parse-error', `response head longer than ${MAX_HEAD_BYTES} bytes`);
            else this.partial = this.keep(buf, at, end);
            return;
          }
          if (next === FAILED) return;
          at = next;
          break;
        }
        case State.BodyLength: {
          const take = Math.min(this.remaining, end - at);
          this.addBody(buf, at, at + take);
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case State.BodyUntilClose:
          this.addBody(buf, at, end);
          at = end;
          break;
        case State.ChunkSize:
        case State.Trailers:
        case State.ChunkDataEnd: {
          const line = this.readLine(buf, at, end);
          if (line === undefined) return;
          at = line.next;
          if (!this.onLine(line.text)) return;
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, end - at);
          this.addBody(buf, at, at + take);
          at += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.Idle:
          this.fail('parse-error', 'data after the end of an answer');
          return;
      }
    }
    // A head parsed from the shared read buffer must outlive it only if its answer is not
    // complete yet (the body follows in a later read).
    if (this.sharedReads && this.state !== State.Idle && this.state !== State.Head && this.answer.data === chunk) this.keepHead();
  }

  /** `buf[from, to)` as a buffer that stays valid after this read: a view, or a copy when reads share one buffer. */
  private keep(buf: Buffer, from: number, to: number): Buffer {
    return this.sharedReads ? Buffer.from(buf.subarray(from, to)) : buf.subarray(from, to);
  }

  /** Moves the current answer's head into a buffer of its own. */
  private keepHead(): void {
    const answer = this.answer;
    answer.data = Buffer.from(answer.data.subarray(answer.headStart, answer.headEnd));
    answer.headStart = 0;
    answer.headEnd = answer.data.length;
  }

  /** Reads one CRLF-terminated line from `buf[at, end)`, keeping a split line in `partial`. */
  private readLine(buf: Buffer, at: number, end: number): { text: string; next: number } | undefined {
    const found = buf.indexOf(10, at);
    const lf = found >= end ? -1 : found;
    if (lf < 0) {
      const rest = this.keep(buf, at, end);
      this.partial = this.partial ? Buffer.concat([this.partial, rest]) : rest;
      if (this.partial.length > MAX_HEAD_BYTES) this.fail('parse-error', 'chunk line too long');
      return undefined;
    }
    let text = buf.toString('latin1', at, lf);
    if (this.partial) {
      text = this.partial.toString('latin1') + text;
      this.partial = undefined;
    }
    return { text: text.endsWith('\r') ? text.slice(0, -1) : text, next: lf + 1 };
  }

  /**
   * Parses the response head starting at `buf[start]`, in one pass over its lines: returns where
   * the body starts, INCOMPLETE when the blank line ending the head has not arrived (nothing is
   * kept: the head is parsed again with more bytes), or FAILED when the connection failed. Works
   * on the bytes: only the headers that frame the body are decoded here, the rest stay bytes until
   * a scenario asks for them (HttpResponse.headers).
   */
  private onHead(buf: Buffer, start: number, end: number): number {
    let line = buf.indexOf(10, start) + 1;
    // Past `end` lie bytes of earlier reads into a shared buffer: never data of this answer.
    if (line === 0 || line > end) return INCOMPLETE;
    // "HTTP/1.1 200 OK": the version, a space, three digits, then a space or the end of the line.
    const d0 = buf[start + 9]! - 48;
    const d1 = buf[start + 10]! - 48;
    const d2 = buf[start + 11]! - 48;
    const after = buf[start + 12];
    if (
      line - start < 14 ||
      buf[start] !== 72 || buf[start + 1] !== 84 || buf[start + 2] !== 84 || buf[start + 3] !== 80 || buf[start + 4] !== 47 || buf[start + 5] !== 49 || buf[start + 6] !== 46 ||
      buf[start + 8] !== 32 || !(d0 >= 1 && d0 <= 9 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9) || (after !== 32 && after !== 13)
    ) {
      this.fail('parse-error', `not an HTTP/1.x status line: ${buf.toString('latin1', start, Math.min(line, start + 40)).trim()}`);
      return FAILED;
    }
    const status = d0 * 100 + d1 * 10 + d2;
    const http10 = buf[start + 7] === 48; // '0'
    let contentLength = -1;
    let chunked = false;
    let close = http10;
    let keepAliveHint: string | undefined;
    for (;;) {
      const next = buf.indexOf(10, line);
      if (next < 0 || next >= end) return INCOMPLETE;
      const stop = next - 1; // the CR
      if (stop === line && buf[line] === 13) break; // the blank line
      // Framing headers start with c, t or k: other lines are skipped without looking further.
      const first = buf[line]! | 0x20;
      if (first === 99 || first === 116 || first === 107) {
        const colon = buf.indexOf(58, line);
        const nameLength = colon - line;
        if (colon > 0 && colon < stop && (nameLength === 14 || nameLength === 17 || nameLength === 10)) {
          let v = colon + 1;
          while (v < stop && (buf[v] === 32 || buf[v] === 9)) v++;
          let e = stop;
          while (e > v && (buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
          if (nameLength === 14 && matches(buf, line, CONTENT_LENGTH)) {
            const length = parseDigits(buf, v, e);
            if (length < 0 || (contentLength >= 0 && contentLength !== length)) {
              this.fail('parse-error', `bad content-length ${buf.toString('latin1', v, e)}`);
              return FAILED;
            }
            contentLength = length;
          } else if (nameLength === 17 && matches(buf, line, TRANSFER_ENCODING)) {
            chunked = /(^|,)\s*chunked$/i.test(buf.toString('latin1', v, e));
          } else if (nameLength === 10 && matches(buf, line, CONNECTION)) {
            // The usual values are compared as bytes; a list of tokens is decoded.
            if (e - v === 10 && matches(buf, v, KEEP_ALIVE)) close = false;
            else if (e - v === 5 && matches(buf, v, CLOSE)) close = true;
            else {
              const tokens = buf.toString('latin1', v, e).toLowerCase();
              close = /\bclose\b/.test(tokens) || (http10 && !/\bkeep-alive\b/.test(tokens));
            }
          } else if (nameLength === 10 && matches(buf, line, KEEP_ALIVE)) keepAliveHint = buf.toString('latin1', v, e);
        }
      }
      line = next + 1;
    }
    const bodyStart = line + 2;
    if (status < 200 && status !== 101) {
      // Interim answer (100 Continue, 103 Early Hints): the real one follows.
      this.state = State.Head;
      return bodyStart;
    }
    if (keepAliveHint !== undefined) this.onKeepAliveHint(keepAliveHint);
    const answer = this.answer;
    answer.status = status;
    answer.data = buf;
    answer.headStart = start;
    answer.headEnd = line - 2;
    this.keepAlive = !close;
    this.body = undefined;
    this.bodyParts = undefined;
    if (this.exchange!.head || status === 204 || status === 304 || status === 101) {
      if (status === 101) this.keepAlive = false;
      this.complete();
    } else if (chunked) this.state = State.ChunkSize;
    else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.state = State.BodyLength;
      if (contentLength === 0) this.complete();
    } else {
      this.keepAlive = false;
      this.state = State.BodyUntilClose;
    }
    return this.dead ? FAILED : bodyStart;
  }

  private onKeepAliveHint(value: string): void {
    const match = /timeout=(\d+)/i.exec(value);
    // Close a second before the server would, as undici does with the same hint.
    if (match) this.pool.keepAliveMs = Math.min(this.pool.keepAliveMs, Math.max(0, Number(match[1]) * 1000 - 1000));
  }

  /** A chunk-size, chunk-end or trailer line; false when the connection failed. */
  private onLine(line: string): boolean {
    if (this.state === State.ChunkDataEnd) {
      if (line !== '') return this.fail('parse-error', 'missing CRLF after a chunk');
      this.state = State.ChunkSize;
    } else if (this.state === State.ChunkSize) {
      const semicolon = line.indexOf(';');
      const hex = (semicolon < 0 ? line : line.slice(0, semicolon)).trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) return this.fail('parse-error', `bad chunk size ${hex.slice(0, 20)}`);
      this.remaining = parseInt(hex, 16);
      this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
    } else if (line === '') this.complete();
    return !this.dead;
  }

  private addBody(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    const part = this.keep(buf, from, to);
    if (this.body === undefined) this.body = part;
    else (this.bodyParts ??= [this.body]).push(part);
  }

  private complete(): void {
    const exchange = this.exchange!;
    const body = this.bodyParts ? Buffer.concat(this.bodyParts) : this.body;
    this.exchange = undefined;
    this.state = State.Idle;
    this.body = undefined;
    this.bodyParts = undefined;
    // The answer first: its completion time must not include sending the next queued request.
    const answer = this.answer;
    answer.body = body;
    // The answer is handed on past this read: its head must not be overwritten by the next one.
    if (this.sharedReads && answer.data === this.pool.sharedBuffer) this.keepHead();
    exchange.onAnswer(answer);
    answer.data = EMPTY;
    answer.body = undefined;
    if (this.keepAlive) this.pool.release(this);
    else {
      this.destroy();
      this.pool.removed(this);
    }
  }

  private onEnd(): void {
    // A body delimited by the connection's end is complete now; anything else in flight is cut.
    if (this.exchange && this.state === State.BodyUntilClose) this.complete();
    this.fail('socket-closed', 'the server closed the connection before answering');
  }

  /** Ends the connection, failing (or retrying) the exchange in flight; always false. */
  private fail(code: string, message: string, cause?: unknown): false {
    const exchange = this.exchange;
    this.exchange = undefined;
    if (!this.dead) this.destroy();
    const retry = exchange && this.reused && this.received === 0 && exchange.idempotent && code !== 'timeout' ? exchange : undefined;
    this.pool.removed(this, retry);
    if (exchange && !retry) exchange.onError(new Http1Error(code, message, { cause }));
    return false;
  }
}

function lowerBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * True when `buf` at `at` holds `lower` ignoring ASCII case. `| 0x20` lowers a letter and leaves
 * '-' and digits as they are, which is all header names and these values contain.
 */
function matches(buf: Buffer, at: number, lower: Uint8Array): boolean {
  for (let i = 0; i < lower.length; i++) if ((buf[at + i]! | 0x20) !== lower[i]) return false;
  return true;
}

/** The decimal number in `buf[from, to)`, or -1 when it is empty, not all digits or beyond 2^53. */
function parseDigits(buf: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
