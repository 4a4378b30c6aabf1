/**
 * A bare undici `Client.dispatch` loop (`--url`, `--connections`, `--duration` s): one Client
 * per connection, each keeping one GET in flight from a handler that only counts completions and
 * non-200 answers. No promise, stream or body decoding per request: the least undici can cost,
 * the loop the engine's own HTTP/1.1 client was measured against (src/engine/http1.ts).
 */
import { performance } from 'node:perf_hooks';
import { Client, type Dispatcher } from 'undici';
import { cpuSecondsSince, emit, numberArg, parseArgs, peakRssMiB } from './child-report.ts';

const args = parseArgs(process.argv.slice(2));
const url = args.get('url')!;
const connections = numberArg(args, 'connections');
const durationMs = numberArg(args, 'duration') * 1000;
let requests = 0;
let errors = 0;

const OPTIONS: Dispatcher.DispatchOptions = { path: '/', method: 'GET' };

/**
 * One connection's loop. It uses the callbacks undici's core calls itself (onConnect, onHeaders,
 * onData, onComplete, onError): a handler written against the newer onRequestStart/onResponse*
 * interface is adapted to these by an UnwrapHandler per request, which the engine does not pay
 * either. Deprecated in undici 7's types, not in its core.
 */
class Loop implements Dispatcher.DispatchHandler {
  private status = 0;
  private readonly done: Promise<void>;
  private finish!: () => void;

  constructor(
    private readonly client: Client,
    private readonly deadline: number,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  run(): Promise<void> {
    this.client.dispatch(OPTIONS, this);
    return this.done;
  }

  onConnect(): void {}

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    requests += 1;
    if (this.status !== 200) errors += 1;
    if (performance.now() < this.deadline) this.client.dispatch(OPTIONS, this);
    else this.finish();
  }

  onError(): void {
    // Against nginx this does not happen; a loop that failed stops rather than spin on a dead target.
    errors += 1;
    this.finish();
  }
}

const clients = Array.from({ length: connections }, () => new Client(url, { pipelining: 1 }));
const cpu = process.cpuUsage();
const start = performance.now();
await Promise.all(clients.map((client) => new Loop(client, start + durationMs).run()));
const durationS = (performance.now() - start) / 1000;
const cpuS = cpuSecondsSince(cpu);
await Promise.all(clients.map((client) => client.close()));
emit({ requests, errors, durationS, cpuS, p50Ms: null, p99Ms: null, peakRssMiB: peakRssMiB() });
