/**
 * The connection side of the engine's HTTP/1.1 client (see src/engine/http1.ts): keep-alive
 * sockets to one origin, one request in flight on each, requests queued while every connection
 * is busy, deadlines swept on a timer, stale keep-alive connections dropped or retried. Each
 * request is written with one `write`; the answers are parsed by a ResponseParser per connection,
 * straight from the socket's reads.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import { ResponseParser, type Http1Answer, type ParsedResponse, type ResponseHandler } from './response-parser.ts';

export type { Http1Answer } from './response-parser.ts';

/**
 * Why a request got no complete answer, as Http1Exchange.onError receives it (the pool throws
 * none): `code` is a Node socket code (`ECONNREFUSED`, `ECONNRESET`…), `timeout`,
 * `socket-closed`, `parse-error` or `client-closed`.
 */
export class Http1Error extends Error {
  /**
   * @param code see the class
   * @param options `cause`: the socket error or parse failure behind it
   */
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
  /** performance.now() after which the request fails with `timeout`, ms. */
  readonly deadlineMs: number;
  /** @param answer valid only during the call */
  onAnswer(answer: Http1Answer): void;
  onError(err: Http1Error): void;
}

/** Options of an Http1Pool. */
export interface Http1PoolOptions {
  /** Most connections open at once; a request finding them all busy waits for one (FIFO). */
  readonly connections: number;
  /** Resolution of request timeouts, ms: the deadline sweep runs this often (at least every 250 ms). */
  readonly timeoutResolutionMs: number;
  /**
   * A connection idle longer than this is closed rather than reused, ms: Node's HTTP server
   * closes idle keep-alive connections after 5 s, and reusing one it is closing fails the
   * request. Lowered by a `Keep-Alive: timeout=n` hint of the server (n − 1 s). Default 4,000.
   */
  readonly keepAliveTimeoutMs?: number;
}

/** Bytes one socket read may bring (a larger answer arrives in several reads). */
const READ_BUFFER_BYTES = 64 * 1024;
const DEFAULT_KEEP_ALIVE_MS = 4_000;

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

  /**
   * Opens nothing yet: connections open on demand (or with `preconnect`).
   * @param origin e.g. `http://127.0.0.1:8080` or `https://host`; throws an Error for another
   *   protocol, or for a path, query or credentials in it
   */
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

  /**
   * Sends a request on an idle connection, a new one, or queues it until one is free. Throws
   * nothing: every outcome, `client-closed` after `close` included, reaches the exchange.
   */
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
   * connected or failed, or after `timeoutMs` (ms). A failed one is simply gone: requests then
   * open their own and fail as they would have. Never rejects.
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

/** One keep-alive socket, and the parser of the answers it brings. */
class Connection implements ResponseHandler {
  idleSince = 0;
  private exchange: Http1Exchange | undefined;
  /** The exchange was sent on a connection that had already served one (a stale-socket retry is possible). */
  private reused = false;
  /** Bytes of the current answer seen; a retry is safe only while 0. */
  private received = 0;
  private readonly parser: ResponseParser;
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
    sharedReads: boolean,
  ) {
    this.parser = new ResponseParser(this, sharedReads);
    socket.setNoDelay(true);
    this.settled = new Promise<void>((resolve) => {
      socket.once(tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('close', () => resolve());
    });
    socket.on('end', () => this.onEnd());
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err.code ?? 'socket-error', err.message, err));
    socket.on('close', () => this.fail('socket-closed', 'the server closed the connection before answering'));
  }

  /** Sends `exchange` on this idle connection. @param reused the connection served an exchange before */
  start(exchange: Http1Exchange, reused: boolean): void {
    this.exchange = exchange;
    this.reused = reused;
    this.received = 0;
    this.parser.begin(exchange.head);
    // 'utf8' is the one encoding Node resolves without a lookup; a Buffer ignores it.
    this.socket.write(exchange.payload, 'utf8');
  }

  /** Fails the exchange in flight with `timeout`, and closes the connection, if its deadline is past `now` (performance.now() ms). */
  expireIfDue(now: number): void {
    if (this.exchange && this.exchange.deadlineMs <= now) {
      const exchange = this.exchange;
      this.exchange = undefined;
      this.destroy();
      this.pool.removed(this);
      exchange.onError(new Http1Error('timeout', 'no complete answer within the request timeout'));
    }
  }

  /** Closes the socket; what it still brings is ignored. */
  destroy(): void {
    this.dead = true;
    this.parser.stop();
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
    this.parser.feed(chunk, length);
  }

  /** @internal ResponseHandler: the answer to the exchange in flight is complete. */
  onResponse(answer: ParsedResponse): void {
    const exchange = this.exchange!;
    this.exchange = undefined;
    // Close a second before the server would, as undici does with the same hint.
    if (answer.keepAliveTimeoutS >= 0) this.pool.keepAliveMs = Math.min(this.pool.keepAliveMs, Math.max(0, answer.keepAliveTimeoutS * 1000 - 1000));
    // The answer first: its completion time must not include sending the next queued request.
    exchange.onAnswer(answer);
    if (answer.keepAlive) this.pool.release(this);
    else {
      this.destroy();
      this.pool.removed(this);
    }
  }

  /** @internal ResponseHandler: the bytes are not a valid answer. */
  onParseError(message: string): void {
    this.fail('parse-error', message);
  }

  private onEnd(): void {
    // A body delimited by the connection's end is complete now; anything else in flight is cut.
    if (this.exchange) this.parser.end();
    this.fail('socket-closed', 'the server closed the connection before answering');
  }

  /** Ends the connection, failing (or retrying) the exchange in flight. */
  private fail(code: string, message: string, cause?: unknown): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    if (!this.dead) this.destroy();
    const retry = exchange && this.reused && this.received === 0 && exchange.idempotent && code !== 'timeout' ? exchange : undefined;
    this.pool.removed(this, retry);
    if (exchange && !retry) exchange.onError(new Http1Error(code, message, { cause }));
  }
}
