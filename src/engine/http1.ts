/**
 * A lean HTTP/1.1 client for the load generator: keep-alive connections to one origin, one
 * request in flight per connection (no pipelining), each request written with one `write` and
 * each response parsed straight from the socket's reads. Split by concern:
 *
 * - `http1/pool.ts`: Http1Pool and its connections (sockets, keep-alive, queue, timeouts, retries);
 * - `http1/response-parser.ts`: ResponseParser, a pure incremental parser of the answers, tested
 *   against Node's own parser (test/engine/http1-parser.differential.test.ts).
 *
 * Requests are serialised by their caller (TargetHttpClient) and handed over as bytes.
 *
 * Why not undici: on a 2-core machine the generator competes with the service it measures, and
 * every microsecond it spends per request is taken from the target. undici's socket reads go
 * through a paused Readable and a WebAssembly parser that allocates a Buffer per header; this
 * client reads through net's `onread` into one shared buffer, serialises the request head of a
 * body-less request once (TargetHttpClient), scans the response head as bytes for the framing
 * headers only, and builds the headers object, text and JSON of a response only when a scenario
 * reads them. `npm run bench` measures the engine against nginx next to the loops this choice was
 * made on: a bare undici `Client.dispatch` loop (`undici-dispatch`, bench/undici-dispatch-child.ts),
 * undici's `Pool.request` (`undici-loop`) and a raw socket loop that does not parse at all
 * (`raw-socket`, bench/raw-socket-child.ts), the floor of a Node generator; bench/README.md says
 * how to read the figures, docs/results.md records measured ones.
 *
 * Scope: what a load generator needs from HTTP/1.1: Content-Length and chunked bodies, bodies
 * delimited by the connection's end, 1xx interim responses skipped, `Connection: close`,
 * HTTP/1.0 answers, `http:` and `https:` origins. Idempotent requests (GET, HEAD) that fail on a
 * reused connection before any answer byte (the server closed it while idle) are retried once on a
 * fresh connection, as browsers and undici do; others fail (their outcome is unknown).
 */
export { Http1Error, Http1Pool, type Http1Exchange, type Http1PoolOptions } from './http1/pool.ts';
export { ResponseParser, type Framing, type Http1Answer, type ParsedResponse, type ResponseHandler } from './http1/response-parser.ts';
