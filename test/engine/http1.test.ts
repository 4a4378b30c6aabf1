// The engine's HTTP/1.1 client against a raw TCP server that writes answers byte by byte as the
// test scripts them: framing (Content-Length, chunked, until close), split heads, interim 1xx,
// Connection: close, timeouts, stale keep-alive connections, refused connections, and the
// request bytes it sends.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestError, TargetHttpClient } from '../../src/engine/http-client.ts';
import { RunMetrics } from '../../src/engine/metrics.ts';

/** What the server saw of one request: head and body as text. */
interface Seen {
  readonly head: string;
  readonly body: string;
  readonly connection: number;
}

type Answer = (socket: Socket, seen: Seen) => void | Promise<void>;

let server: Server | undefined;
const clients: TargetHttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Starts a server that parses requests (Content-Length bodies only) and answers each with `answer`. */
async function serve(answer: Answer): Promise<{ url: string; seen: Seen[]; connections: () => number }> {
  const seen: Seen[] = [];
  let connections = 0;
  server = createServer((socket) => {
    const connection = ++connections;
    let buffered = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', async (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.toString('latin1', 0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request: Seen = { head, body: buffered.toString('utf8', end + 4, end + 4 + length), connection };
        buffered = buffered.subarray(end + 4 + length);
        seen.push(request);
        await answer(socket, request);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen, connections: () => connections };
}

function client(url: string, options: { connections?: number; timeoutMs?: number } = {}, metrics?: RunMetrics): TargetHttpClient {
  const c = new TargetHttpClient(url, { connections: options.connections ?? 4, timeoutMs: options.timeoutMs ?? 2_000 }, metrics);
  clients.push(c);
  return c;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `text` in pieces of `size` bytes with a pause between them, so the client reads split chunks. */
async function trickle(socket: Socket, text: string, size = 1): Promise<void> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) {
    socket.write(bytes.subarray(i, i + size));
    await sleep(1);
  }
}

describe('TargetHttpClient (HTTP/1.1)', () => {
  it('sends method, path, host and a JSON body with its UTF-8 length, and reads a Content-Length answer', async () => {
    const { url, seen } = await serve((s) => void s.write('HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 17\r\nHold-Attempts: 2\r\n\r\n{"id":7,"x":"é"}'));
    const res = await client(url).request('hold', 'POST', '/api/reservations', { seat: 'Ä1' });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ id: 7, x: 'é' });
    expect(res.text).toBe('{"id":7,"x":"é"}');
    expect(res.headers['hold-attempts']).toBe('2');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.latencyMs).toBeGreaterThan(0);
    const [request] = seen;
    expect(request!.head).toMatch(/^POST \/api\/reservations HTTP\/1\.1\r\n/);
    expect(request!.head).toMatch(new RegExp(`\r\nhost: ${new URL(url).host}\r\n`));
    expect(request!.head).toMatch(/\r\ncontent-type: application\/json\r\n/);
    expect(request!.head).toMatch(/\r\ncontent-length: 14(\r\n|$)/);
    expect(request!.body).toBe('{"seat":"Ä1"}');
  });

  it('reads a head and body split into single bytes, and keeps the connection for the next request', async () => {
    const { url, connections } = await serve((s) => trickle(s, 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello'));
    const c = client(url);
    expect((await c.request('a', 'GET', '/')).text).toBe('hello');
    expect((await c.request('a', 'GET', '/')).text).toBe('hello');
    expect(connections()).toBe(1);
  });

  it('keeps a head intact when its body comes in a later read (reads share one buffer)', async () => {
    const { url } = await serve(async (s) => {
      s.write('HTTP/1.1 200 OK\r\nX-Marker: first-read\r\nContent-Length: 26\r\n\r\n');
      await sleep(20);
      s.write('abcdefghijklmnopqrstuvwxyz');
    });
    const c = client(url);
    const [a, b] = await Promise.all([c.request('a', 'GET', '/'), c.request('b', 'GET', '/')]);
    for (const res of [a, b]) {
      expect(res.headers['x-marker']).toBe('first-read');
      expect(res.text).toBe('abcdefghijklmnopqrstuvwxyz');
    }
  });

  it('decodes chunked bodies with extensions and trailers, in any split', async () => {
    const answer = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n';
    const { url } = await serve((s) => trickle(s, answer, 3));
    const c = client(url);
    expect((await c.request('a', 'GET', '/')).text).toBe('hello, world');
    expect((await c.request('a', 'GET', '/')).text).toBe('hello, world');
  });

  it('skips interim 1xx answers, and reads 204 without a body', async () => {
    let n = 0;
    const { url } = await serve((s) => {
      n += 1;
      s.write(n === 1 ? 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' : 'HTTP/1.1 204 No Content\r\n\r\n');
    });
    const c = client(url);
    expect((await c.request('a', 'GET', '/')).text).toBe('ok');
    const empty = await c.request('a', 'DELETE', '/x');
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');
    expect(empty.json).toBeUndefined();
  });

  it('opens a new connection after Connection: close, and reads an HTTP/1.0 body until the end', async () => {
    let n = 0;
    const { url, connections } = await serve((s) => {
      n += 1;
      if (n === 1) s.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\none');
      else s.end('HTTP/1.0 200 OK\r\n\r\nuntil the end');
    });
    const c = client(url);
    expect((await c.request('a', 'GET', '/')).text).toBe('one');
    expect((await c.request('a', 'GET', '/')).text).toBe('until the end');
    expect(connections()).toBe(2);
  });

  it('repeated headers give an array; names are lower-cased', async () => {
    const { url } = await serve((s) => void s.write('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-One:  spaced  \r\nContent-Length: 0\r\n\r\n'));
    const res = await client(url).request('a', 'GET', '/');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-one']).toBe('spaced');
  });

  it('times out without an answer as `timeout`, records it, and drops the connection', async () => {
    let n = 0;
    const { url, connections } = await serve((s) => {
      n += 1;
      if (n > 1) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const metrics = new RunMetrics(0);
    const c = client(url, { timeoutMs: 200 }, metrics);
    const started = Date.now();
    const err = await c.request('slow', 'GET', '/').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).errorCode).toBe('timeout');
    expect((err as RequestError).message).toMatch(/^GET \/: .*timeout/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await c.request('slow', 'GET', '/')).text).toBe('ok');
    expect(connections()).toBe(2);
    expect(metrics.status()).toMatchObject({ ok: 1, error: 1, byStatus: { '200': 1, timeout: 1 } });
  });

  it('retries a GET once on a fresh connection when a reused one closes before answering; a POST fails', async () => {
    // Every connection answers its first request and closes on the second without answering, as a
    // server closing an idle keep-alive connection does when a request crosses its FIN.
    const { url } = await serve((s, seen) => {
      const onThisConnection = (s as Socket & { served?: number }).served ?? 0;
      (s as Socket & { served?: number }).served = onThisConnection + 1;
      if (onThisConnection === 0) s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${seen.connection.toString().length}\r\n\r\n${seen.connection}`);
      else s.destroy();
    });
    const c = client(url, { connections: 1 });
    expect((await c.request('a', 'GET', '/')).text).toBe('1');
    expect((await c.request('a', 'GET', '/')).text).toBe('2');
    const err = await c.request('a', 'POST', '/', { a: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect(['socket-closed', 'ECONNRESET', 'EPIPE']).toContain((err as RequestError).errorCode);
  });

  it('queues requests beyond its connections and answers them in order', async () => {
    const { url, connections } = await serve(async (s, seen) => {
      await sleep(5);
      const body = seen.head.split(' ')[1]!;
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    const c = client(url, { connections: 2 });
    const texts = await Promise.all(['/1', '/2', '/3', '/4', '/5'].map(async (p) => (await c.request('a', 'GET', p)).text));
    expect(texts).toEqual(['/1', '/2', '/3', '/4', '/5']);
    expect(connections()).toBe(2);
  });

  it('reports a refused connection as ECONNREFUSED, and an invalid path without sending it', async () => {
    const { url } = await serve(() => {});
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const c = client(url);
    const refused = await c.request('a', 'GET', '/').catch((e: unknown) => e);
    expect((refused as RequestError).errorCode).toBe('ECONNREFUSED');
    expect((refused as RequestError).message).toMatch(/ECONNREFUSED/);
    const invalid = await c.request('a', 'GET', '/a b').catch((e: unknown) => e);
    expect((invalid as RequestError).errorCode).toBe('invalid-request');
  });

  it('fails a malformed answer as parse-error', async () => {
    const { url } = await serve((s) => void s.write('SPDY/3 200 OK\r\n\r\n'));
    const err = await client(url).request('a', 'GET', '/').catch((e: unknown) => e);
    expect((err as RequestError).errorCode).toBe('parse-error');
  });

  it('close() waits for requests in flight; later requests fail', async () => {
    const { url } = await serve(async (s) => {
      await sleep(50);
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate');
    });
    const c = new TargetHttpClient(url, { connections: 1, timeoutMs: 2_000 });
    const inFlight = c.request('a', 'GET', '/');
    await c.close();
    expect((await inFlight).text).toBe('late');
    const after = await c.request('a', 'GET', '/').catch((e: unknown) => e);
    expect((after as RequestError).errorCode).toBe('client-closed');
  });
});
