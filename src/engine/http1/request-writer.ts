/**
 * Serialises HTTP/1.1 requests to one origin, apart from the pool that sends them and the parser
 * that reads the answers (as autocannon keeps its request builder apart from its client). A
 * body-less request's head is built once per method and path and reused as bytes; a request with
 * a JSON body is one string (or, when the path has non-ASCII bytes, a latin1 head plus a UTF-8
 * body), written with one `write`.
 */

/** Paths of request lines: printable latin1 only (no spaces or control bytes). */
const INVALID_PATH = /[^\u0021-\u00ff]/;
const ASCII = /^[\u0000-\u007f]*$/;
/** Most cached body-less heads; paths built per request (ids in them) would grow the cache without end. */
const MAX_CACHED_HEADS = 1024;

/** True when `path` can stand in a request line: `*`, or `/…` of printable latin1. */
export function isValidRequestPath(path: string): boolean {
  return !INVALID_PATH.test(path) && (path[0] === '/' || path === '*');
}

/** True when every header name is a token and every value printable latin1 (no CR, LF or NUL). */
export function areValidHeaders(headers: Readonly<Record<string, string>>): boolean {
  return Object.entries(headers).every(([name, value]) => /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) && /^[\u0020-\u007e\u0080-\u00ff\t]*$/.test(value));
}

function headerLines(headers: Readonly<Record<string, string>>): string {
  let lines = '';
  for (const name in headers) lines += `${name}: ${headers[name]}\r\n`;
  return lines;
}

/** Writes the requests of one origin (`host` header value, e.g. `127.0.0.1:8080`). */
export class RequestWriter {
  /** Serialised body-less requests by method, then path (two lookups of literals, no key string built per request). */
  private readonly heads = new Map<string, Map<string, Buffer>>();
  private cachedHeads = 0;

  constructor(private readonly host: string) {}

  /**
   * The bytes of one request: keep-alive, `content-type: application/json` and its length when
   * `body` is given (serialised with JSON.stringify); `content-length: 0` for a body-less POST or PUT.
   * The caller has checked the path (isValidRequestPath).
   */
  write(method: string, path: string, body?: unknown, headers?: Readonly<Record<string, string>>): string | Buffer {
    const extra = headers === undefined ? '' : headerLines(headers);
    if (body === undefined && extra === '') return this.bodylessHead(method, path);
    if (body === undefined) {
      const length = method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'content-length: 0\r\n' : '';
      return Buffer.from(`${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\nconnection: keep-alive\r\n${extra}${length}\r\n`, 'latin1');
    }
    const json = JSON.stringify(body);
    // A path is latin1 (checked by the caller) and so one byte per character; the JSON is UTF-8.
    const payload = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\nconnection: keep-alive\r\n${extra}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
    if (ASCII.test(path)) return payload;
    return Buffer.concat([Buffer.from(payload.slice(0, payload.length - json.length), 'latin1'), Buffer.from(json)]);
  }

  private bodylessHead(method: string, path: string): Buffer {
    let byPath = this.heads.get(method);
    if (byPath === undefined) this.heads.set(method, (byPath = new Map()));
    let head = byPath.get(path);
    if (head === undefined) {
      // A request without a body says so with content-length 0 when its method usually has one.
      const length = method === 'POST' || method === 'PUT' ? 'content-length: 0\r\n' : '';
      // Kept as bytes: written as is, with no string encoding per request.
      head = Buffer.from(`${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\nconnection: keep-alive\r\n${length}\r\n`, 'latin1');
      if (++this.cachedHeads > MAX_CACHED_HEADS) {
        for (const paths of this.heads.values()) paths.clear();
        this.cachedHeads = 1;
      }
      byPath.set(path, head);
    }
    return head;
  }
}
