/**
 * The floor of a Node generator (`--url`, `--connections`, `--duration` s): one `net.Socket` per
 * connection writing the same GET request bytes, and counting answers by their size instead of
 * parsing them. nginx's answer to it is always the same length (its Date header has a fixed
 * width), measured once before the load from a first answer's head and Content-Length. Reads go
 * through net's `onread` into one shared buffer, as the engine's plain-TCP connections do: no
 * Buffer, Readable or promise per request. Whatever a real client does beyond this costs more.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { cpuSecondsSince, emit, numberArg, parseArgs, peakRssMiB } from './child-report.ts';

const args = parseArgs(process.argv.slice(2));
const url = new URL(args.get('url')!);
const connections = numberArg(args, 'connections');
const durationMs = numberArg(args, 'duration') * 1000;
const host = url.hostname;
const port = Number(url.port || 80);
const REQUEST = Buffer.from(`GET / HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`, 'latin1');

/** Length of one answer in bytes: head through the blank line plus Content-Length; throws when the answer has none. */
async function answerLength(): Promise<number> {
  const socket = connect(port, host);
  try {
    let got = Buffer.alloc(0);
    socket.write(REQUEST);
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      got = Buffer.concat([got, chunk]);
      const headEnd = got.indexOf('\r\n\r\n');
      if (headEnd < 0) continue;
      const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(got.toString('latin1', 0, headEnd))?.[1];
      if (length === undefined) throw new Error('the answer has no Content-Length: its size cannot be known in advance');
      return headEnd + 4 + Number(length);
    }
    throw new Error('the server closed the connection before answering');
  } finally {
    socket.destroy();
  }
}

const ANSWER = await answerLength();
let requests = 0;
let errors = 0;
/** One buffer for the reads of every socket: a read is handled before the next one happens. */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/** One connection's loop: resolves once its last answer after the deadline is in, or the socket fails. */
function loop(deadline: number): Promise<void> {
  return new Promise((resolve) => {
    /** Bytes of the answer in flight received so far. */
    let received = 0;
    const socket: Socket = connect({
      host,
      port,
      onread: {
        buffer: readBuffer,
        callback: (length, buf) => {
          let at = 0;
          while (at < length) {
            // "HTTP/1.1 200": the status digits, when the answer's first bytes are in this read.
            if (received === 0 && length - at >= 12 && !(buf[at + 9] === 50 && buf[at + 10] === 48 && buf[at + 11] === 48)) errors += 1;
            const take = Math.min(ANSWER - received, length - at);
            received += take;
            at += take;
            if (received === ANSWER) {
              received = 0;
              requests += 1;
              if (performance.now() < deadline) socket.write(REQUEST);
              else {
                socket.destroy();
                resolve();
              }
            }
          }
          return true;
        },
      },
    });
    socket.setNoDelay(true);
    socket.once('connect', () => socket.write(REQUEST));
    socket.once('error', () => {
      errors += 1;
      resolve();
    });
    socket.once('close', () => resolve());
  });
}

const cpu = process.cpuUsage();
const start = performance.now();
await Promise.all(Array.from({ length: connections }, () => loop(start + durationMs)));
const durationS = (performance.now() - start) / 1000;
emit({ requests, errors, durationS, cpuS: cpuSecondsSince(cpu), p50Ms: null, p99Ms: null, peakRssMiB: peakRssMiB() });
