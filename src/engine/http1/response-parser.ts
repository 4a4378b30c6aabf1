/**
 * The response side of the engine's HTTP/1.1 client: an incremental parser fed the bytes of one
 * connection as they arrive, in pieces of any size, that reports each complete answer. It owns no
 * socket and no timer (Http1Pool's connections drive it), so tests can feed it bytes directly.
 *
 * It stays lazy, because it runs once per request of a load test: the response head is scanned
 * as bytes for the framing headers only (Content-Length, Transfer-Encoding, Connection,
 * Keep-Alive), other header lines are skipped without being decoded, and the answer hands on the
 * bytes the head came in rather than a headers object (HttpResponse decodes them on first read).
 *
 * What it follows (RFC 9112): Content-Length, chunked (extensions ignored, trailers kept as
 * lines) and connection-delimited bodies; Transfer-Encoding without a final `chunked` reads
 * until the close; Content-Length with Transfer-Encoding is an error, as in Node's llhttp; 1xx
 * interim answers other than 101 are skipped; 204, 304, 101 and answers to HEAD have no body;
 * `Connection: close` and HTTP/1.0 without `Connection: keep-alive` end the connection; every
 * line must end with CRLF. Deliberately more lenient than llhttp where RFC 9110/9112 allow it or
 * where checking would cost a pass over every byte: identical repeated Content-Length values are
 * accepted, as are whitespace before a chunk extension's `;` and a trailing tab after a framing
 * header's value; header names, header values and chunk extensions are not validated.
 */

/**
 * A complete answer, as Http1Exchange.onAnswer sees it: one record per connection, reused for
 * every answer (no object per request), so it is valid only during that call. The head (status
 * line and header lines, without the blank line) is `data[headStart, headEnd)`; the body is
 * `body` when it came in one piece with the head, else the concatenation of its pieces. `data`
 * and `body` themselves stay valid after the call: keep them, not the record.
 */
export interface Http1Answer {
  status: number;
  data: Buffer;
  headStart: number;
  headEnd: number;
  /** Undefined for an empty body. */
  body: Buffer | undefined;
}

/** How an answer's body was delimited: `none` (204, 304, 101, HEAD), `length`, `chunked`, or `close` (the connection's end). */
export type Framing = 'none' | 'length' | 'chunked' | 'close';

/** What ResponseParser reports of an answer, beyond what exchanges read (the pool and tests use the rest). */
export interface ParsedResponse extends Http1Answer {
  /** HTTP minor version of the status line: 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minorVersion: number;
  /** The connection may carry another exchange after this answer (false: close it). */
  keepAlive: boolean;
  framing: Framing;
  /** The `timeout=n` of a `Keep-Alive` header, seconds; -1 when there is none. */
  keepAliveTimeoutS: number;
  /** Trailer lines of a chunked body as received (latin1, without CRLF); undefined when none. */
  trailers: string[] | undefined;
}

/** Where a ResponseParser reports; it calls one of these synchronously from `feed` or `end`. */
export interface ResponseHandler {
  /**
   * An answer is complete. `response` is valid only during the call (see Http1Answer). To parse
   * a next answer from the bytes that follow, call `begin` before returning; else any byte that
   * follows is a parse error.
   */
  onResponse(response: ParsedResponse): void;
  /** The bytes are not a valid answer; the parser is stopped and reports nothing more. */
  onParseError(message: string): void;
}

const EMPTY = Buffer.alloc(0);
const CONTENT_LENGTH = lowerBytes('content-length');
const TRANSFER_ENCODING = lowerBytes('transfer-encoding');
const CONNECTION = lowerBytes('connection');
const KEEP_ALIVE = lowerBytes('keep-alive');
const CLOSE = lowerBytes('close');
/** Results of onHead besides a position. */
const INCOMPLETE = -1;
const FAILED = -2;
/** Longest response head, and chunk-size or trailer line, accepted: bytes (Node's HTTP parser allows 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Most significant hex digits of a chunk size: 2^48 bytes, far beyond any answer and exact in a double. */
const MAX_CHUNK_SIZE_DIGITS = 12;

const enum State {
  /** No answer expected: bytes are an error. */
  Idle,
  Head,
  BodyLength,
  BodyUntilClose,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  /** After a parse error, `end` or `stop`: bytes are ignored. */
  Stopped,
}

/**
 * Parses the answers of one HTTP/1.1 connection, one at a time: `begin` says an answer is
 * expected (and whether it answers HEAD), `feed` hands over bytes as they arrive, `end` says the
 * connection ended. Not pipelined: a handler that wants the next answer calls `begin` again.
 */
export class ResponseParser {
  private state = State.Idle;
  /** The expected answer answers a HEAD request: no body whatever its headers say. */
  private head = false;
  /** A head (or chunk-size / trailer line) split across fed pieces. */
  private partial: Buffer | undefined;
  private readonly answer: ParsedResponse = {
    status: 0,
    data: EMPTY,
    headStart: 0,
    headEnd: 0,
    body: undefined,
    minorVersion: 1,
    keepAlive: true,
    framing: 'none',
    keepAliveTimeoutS: -1,
    trailers: undefined,
  };
  /** Body bytes still to come: of the Content-Length body, or of the current chunk. */
  private remaining = 0;
  private bodyParts: Buffer[] | undefined;
  private body: Buffer | undefined;
  /** The piece being fed, which the caller may reuse once `feed` returns (see copyKept). */
  private current: Buffer | undefined;

  /**
   * @param handler receives the answers and errors
   * @param copyKept the caller reuses the buffer it feeds once `feed` returns (net's `onread`
   *   into one shared buffer): every byte kept past `feed` (head, body) is copied. When false,
   *   answers hold views of the fed buffers, which must then never be modified.
   */
  constructor(
    private readonly handler: ResponseHandler,
    private readonly copyKept: boolean,
  ) {}

  /** No answer is in progress: none expected, or the parser is stopped. */
  get idle(): boolean {
    return this.state === State.Idle || this.state === State.Stopped;
  }

  /**
   * Expects a new answer (its request was sent). Call it while idle; the handler may call it
   * from `onResponse` to parse the answer that follows in the same bytes.
   * @param head the request was HEAD: the answer has no body whatever its headers say
   */
  begin(head: boolean): void {
    this.head = head;
    this.state = State.Head;
  }

  /** Stops the parser for good (its connection is closed): later bytes and `end` report nothing. */
  stop(): void {
    this.state = State.Stopped;
    this.partial = undefined;
  }

  /**
   * Parses `chunk[0, length)`, the next bytes of the connection, reporting each answer they
   * complete and any parse error to the handler before it returns. Throws nothing.
   * @param length bytes of `chunk` that are data (a shared read buffer is longer); default all
   */
  feed(chunk: Buffer, length: number = chunk.length): void {
    this.current = chunk;
    let buf = chunk;
    let end = length;
    let at = 0;
    while (at < end) {
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
            if (end - at > MAX_HEAD_BYTES) this.error(`response head longer than ${MAX_HEAD_BYTES} bytes`);
            else this.partial = this.keep(buf, at, end);
            at = end;
          } else if (next === FAILED) at = end;
          else at = next;
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
          const next = this.readLine(buf, at, end);
          if (next < 0) at = end;
          else at = next;
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
          this.error('data after the end of an answer');
          at = end;
          break;
        case State.Stopped:
          at = end;
          break;
      }
    }
    // A head parsed from a reused buffer must outlive this piece if its answer is not complete
    // yet (the body follows in a later piece). Checked whatever state the loop stopped in.
    if (this.copyKept && this.answer.data === chunk && this.state !== State.Idle && this.state !== State.Head && this.state !== State.Stopped) this.keepHead();
    this.current = undefined;
  }

  /**
   * The connection ended (the peer closed it). Completes an answer delimited by the close
   * (reported to the handler), then stops the parser.
   * @returns false when an answer was in progress and is cut short (head, Content-Length or
   *   chunked body incomplete), true otherwise
   */
  end(): boolean {
    const state = this.state;
    if (state === State.BodyUntilClose) this.complete();
    this.stop();
    return state === State.Idle || state === State.Stopped || state === State.BodyUntilClose;
  }

  /** Stops with a parse error reported to the handler. */
  private error(message: string): void {
    this.stop();
    this.handler.onParseError(message);
  }

  /** `buf[from, to)` as a buffer that stays valid after this piece: a view, or a copy when the caller reuses its buffers. */
  private keep(buf: Buffer, from: number, to: number): Buffer {
    return this.copyKept ? Buffer.from(buf.subarray(from, to)) : buf.subarray(from, to);
  }

  /** Moves the current answer's head into a buffer of its own. */
  private keepHead(): void {
    const answer = this.answer;
    answer.data = Buffer.from(answer.data.subarray(answer.headStart, answer.headEnd));
    answer.headStart = 0;
    answer.headEnd = answer.data.length;
  }

  /**
   * Reads one CRLF-terminated line (chunk size, chunk end or trailer) from `buf[at, end)` and
   * acts on it; a line split across pieces waits in `partial`. Returns where the bytes after the
   * line start, or -1 when the line is incomplete or the parser stopped.
   */
  private readLine(buf: Buffer, at: number, end: number): number {
    const found = buf.indexOf(10, at);
    const lf = found >= end ? -1 : found;
    if (lf < 0) {
      const rest = this.keep(buf, at, end);
      this.partial = this.partial ? Buffer.concat([this.partial, rest]) : rest;
      if (this.partial.length > MAX_HEAD_BYTES) this.error('chunk line too long');
      return -1;
    }
    let text = buf.toString('latin1', at, lf);
    if (this.partial) {
      text = this.partial.toString('latin1') + text;
      this.partial = undefined;
    }
    // A bare LF would let a peer frame bodies differently from other parsers (llhttp refuses it).
    if (!text.endsWith('\r')) {
      this.error('chunk line not ended by CRLF');
      return -1;
    }
    this.onLine(text.slice(0, -1));
    return this.state === State.Stopped ? -1 : lf + 1;
  }

  /**
   * Parses the response head starting at `buf[start]`, in one pass over its lines: returns where
   * the body starts, INCOMPLETE when the blank line ending the head has not arrived (nothing is
   * kept: the head is parsed again with more bytes), or FAILED after a parse error. Works on the
   * bytes: only the headers that frame the body are decoded here.
   */
  private onHead(buf: Buffer, start: number, end: number): number {
    let line = buf.indexOf(10, start) + 1;
    // Past `end` lie bytes of earlier reads into a shared buffer: never data of this answer.
    if (line === 0 || line > end) return INCOMPLETE;
    // "HTTP/1.1 200 OK\r\n": the version, a space, three digits, then a space and a reason, or
    // CRLF at once.
    const d0 = buf[start + 9]! - 48;
    const d1 = buf[start + 10]! - 48;
    const d2 = buf[start + 11]! - 48;
    const minor = buf[start + 7]! - 48;
    const after = buf[start + 12];
    if (
      line - start < 14 ||
      buf[start] !== 72 || buf[start + 1] !== 84 || buf[start + 2] !== 84 || buf[start + 3] !== 80 || buf[start + 4] !== 47 || buf[start + 5] !== 49 || buf[start + 6] !== 46 ||
      (minor !== 0 && minor !== 1) || buf[start + 8] !== 32 || !(d0 >= 1 && d0 <= 9 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9) ||
      !(after === 32 ? buf[line - 2] === 13 : after === 13 && line === start + 14)
    ) {
      this.error(`not an HTTP/1.x status line: ${JSON.stringify(buf.toString('latin1', start, Math.min(line, start + 40)))}`);
      return FAILED;
    }
    const status = d0 * 100 + d1 * 10 + d2;
    const http10 = minor === 0;
    let contentLength = -1;
    let transferEncoding = false;
    let chunked = false;
    let sawClose = false;
    let sawKeepAlive = false;
    let keepAliveHint: string | undefined;
    for (;;) {
      const next = buf.indexOf(10, line);
      if (next < 0 || next >= end) return INCOMPLETE;
      const stop = next - 1; // the CR
      if (buf[stop] !== 13) {
        this.error('response head line not ended by CRLF');
        return FAILED;
      }
      if (stop === line) break; // the blank line
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
              this.error(`bad content-length ${JSON.stringify(buf.toString('latin1', v, Math.min(e, v + 40)))}`);
              return FAILED;
            }
            contentLength = length;
          } else if (nameLength === 17 && matches(buf, line, TRANSFER_ENCODING)) {
            // The last coding of the last Transfer-Encoding line decides.
            transferEncoding = true;
            chunked = /(^|,)[ \t]*chunked$/i.test(buf.toString('latin1', v, e));
          } else if (nameLength === 10 && matches(buf, line, CONNECTION)) {
            // The usual values are compared as bytes; a list of tokens is decoded.
            if (e - v === 10 && matches(buf, v, KEEP_ALIVE)) sawKeepAlive = true;
            else if (e - v === 5 && matches(buf, v, CLOSE)) sawClose = true;
            else {
              for (const token of buf.toString('latin1', v, e).toLowerCase().split(',')) {
                const t = token.replace(/^[ \t]+|[ \t]+$/g, '');
                if (t === 'close') sawClose = true;
                else if (t === 'keep-alive') sawKeepAlive = true;
              }
            }
          } else if (nameLength === 10 && matches(buf, line, KEEP_ALIVE)) keepAliveHint = buf.toString('latin1', v, e);
        }
      }
      line = next + 1;
    }
    if (transferEncoding && contentLength >= 0) {
      // Two framings: another parser on the path may pick the other one (response splitting).
      this.error('both content-length and transfer-encoding');
      return FAILED;
    }
    const bodyStart = line + 2;
    if (status < 200 && status !== 101) {
      // Interim answer (100 Continue, 103 Early Hints): the real one follows.
      return bodyStart;
    }
    const answer = this.answer;
    answer.status = status;
    answer.data = buf;
    answer.headStart = start;
    answer.headEnd = line - 2;
    answer.minorVersion = minor;
    // HTTP/1.0 keeps the connection only when asked to; HTTP/1.1 unless told to close (as llhttp).
    answer.keepAlive = http10 ? sawKeepAlive : !sawClose;
    answer.keepAliveTimeoutS = keepAliveHint === undefined ? -1 : keepAliveTimeout(keepAliveHint);
    answer.trailers = undefined;
    this.body = undefined;
    this.bodyParts = undefined;
    if (this.head || status === 204 || status === 304 || status === 101) {
      answer.framing = 'none';
      // 101 switches protocols: what follows is no longer HTTP/1.1.
      if (status === 101) answer.keepAlive = false;
      this.complete();
    } else if (chunked) {
      answer.framing = 'chunked';
      this.state = State.ChunkSize;
    } else if (contentLength >= 0) {
      answer.framing = 'length';
      this.remaining = contentLength;
      this.state = State.BodyLength;
      if (contentLength === 0) this.complete();
    } else {
      answer.framing = 'close';
      answer.keepAlive = false;
      this.state = State.BodyUntilClose;
    }
    return this.state === State.Stopped ? FAILED : bodyStart;
  }

  /** A chunk-size, chunk-end or trailer line, without its CRLF. */
  private onLine(line: string): void {
    if (this.state === State.ChunkDataEnd) {
      if (line !== '') return this.error('missing CRLF after a chunk');
      this.state = State.ChunkSize;
    } else if (this.state === State.ChunkSize) {
      // chunk-size [ BWS ";" chunk-ext ]: whitespace only before an extension (RFC 9112 7.1.1).
      const semicolon = line.indexOf(';');
      const hex = semicolon < 0 ? line : line.slice(0, semicolon).replace(/[ \t]+$/, '');
      const digits = /^[0-9a-fA-F]+$/.test(hex) ? hex.replace(/^0+(?=.)/, '') : '';
      if (digits === '' || digits.length > MAX_CHUNK_SIZE_DIGITS) return this.error(`bad chunk size ${JSON.stringify(line.slice(0, 20))}`);
      this.remaining = parseInt(digits, 16);
      this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
    } else if (line === '') this.complete();
    else (this.answer.trailers ??= []).push(line);
  }

  private addBody(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    const part = this.keep(buf, from, to);
    if (this.body === undefined) this.body = part;
    else (this.bodyParts ??= [this.body]).push(part);
  }

  private complete(): void {
    const body = this.bodyParts ? Buffer.concat(this.bodyParts) : this.body;
    this.state = State.Idle;
    this.body = undefined;
    this.bodyParts = undefined;
    const answer = this.answer;
    answer.body = body;
    // The answer is handed on past this piece: its head must not be overwritten with the buffer.
    if (this.copyKept && answer.data === this.current) this.keepHead();
    this.handler.onResponse(answer);
    answer.data = EMPTY;
    answer.body = undefined;
    answer.trailers = undefined;
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

/**
 * The decimal number in `buf[from, to)`, or -1 when it is empty, not all digits or beyond 2^53.
 * Leading zeros do not count towards the limit (llhttp accepts any number of them).
 */
function parseDigits(buf: Buffer, from: number, to: number): number {
  if (to <= from) return -1;
  let i = from;
  while (i < to - 1 && buf[i] === 48) i++;
  if (to - i > 15) return -1;
  let n = 0;
  for (; i < to; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The `timeout=n` of a Keep-Alive header value, seconds; -1 when absent. */
function keepAliveTimeout(value: string): number {
  const match = /timeout=(\d+)/i.exec(value);
  return match ? Number(match[1]) : -1;
}
