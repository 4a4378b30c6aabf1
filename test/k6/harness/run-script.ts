/**
 * Runs an exported k6 script in Node, as `k6 run --out json=…` would with shared iterations: the
 * VUs are worker threads (k6/http is synchronous: a VU blocks on Atomics.wait while this thread
 * sends its requests with fetch), split into `instances` k6 instances the way execution segments
 * split them (each instance its own contiguous VU ids), each instance writing its own JSON output
 * file. The k6 modules are shims (./shims); the script itself is run unchanged apart from its
 * import specifiers.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import type { ShimAnswer, ShimRequest, VuMessage, VuWorkerData } from './protocol.ts';

const SHIMS: Record<string, string> = { k6: 'k6.ts', 'k6/http': 'http.ts', 'k6/metrics': 'metrics.ts', 'k6/execution': 'execution.ts' };
const ANSWER_BYTES = 4 * 1024 * 1024;

/** How to run the script. */
export interface HarnessOptions {
  /** The exported script (.ts). */
  readonly script: string;
  readonly fixture: string;
  readonly baseUrl: string;
  readonly vus: number;
  readonly iterations: number;
  /** k6 instances (execution segments); the VUs are split between them. */
  readonly instances: number;
  readonly outDir: string;
  /** Gzip the output of these instances (0-based). */
  readonly gzip?: readonly number[];
}

/** What the run wrote and how it went. */
export interface HarnessResult {
  /** One k6 JSON output file per instance. */
  readonly outputs: string[];
  /** Errors thrown by iterations (k6 logs them and goes on). */
  readonly errors: string[];
  readonly points: number;
}

async function answer(req: ShimRequest): Promise<ShimAnswer> {
  const started = performance.now();
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? undefined, signal: AbortSignal.timeout(req.timeoutMs) });
    const body = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    return { status: res.status, headers, body, error: '', errorCode: 0, durationMs: performance.now() - started };
  } catch (err) {
    const timeout = (err as Error).name === 'TimeoutError';
    return { status: 0, headers: {}, body: '', error: timeout ? 'request timeout' : String((err as Error).message), errorCode: timeout ? 1050 : 1211, durationMs: performance.now() - started };
  }
}

/**
 * Runs the script and writes its k6 JSON output.
 * @throws when a VU worker fails to start or the script's init context throws
 */
export async function runExportedScript(options: HarnessOptions): Promise<HarnessResult> {
  await mkdir(options.outDir, { recursive: true });
  let source = await readFile(options.script, 'utf8');
  for (const [specifier, file] of Object.entries(SHIMS)) source = source.replaceAll(`from '${specifier}';`, `from '${path.join(import.meta.dirname, 'shims', file)}';`);
  // .mts: an ES module wherever it is written (k6 scripts are ES modules).
  const scriptPath = path.join(options.outDir, `harness-${path.basename(options.script).replace(/\.ts$/, '')}.mts`);
  await writeFile(scriptPath, source);

  const iterations = new SharedArrayBuffer(4);
  const start = new SharedArrayBuffer(4);
  const perInstance = Math.ceil(options.vus / options.instances);
  const lines: string[][] = Array.from({ length: options.instances }, () => []);
  const errors: string[] = [];
  let ready = 0;
  const workers: Promise<void>[] = [];
  const all: Worker[] = [];
  for (let vu = 1; vu <= options.vus; vu++) {
    const instance = Math.min(options.instances - 1, Math.floor((vu - 1) / perInstance));
    const control = new SharedArrayBuffer(8);
    const data = new SharedArrayBuffer(ANSWER_BYTES);
    const workerData: VuWorkerData = {
      scriptPath,
      env: { FIXTURE: options.fixture, BASE_URL: options.baseUrl },
      idInTest: vu,
      idInInstance: vu - instance * perInstance,
      instance,
      iterationsTotal: options.iterations,
      iterations,
      start,
      control,
      data,
    };
    const worker = new Worker(path.join(import.meta.dirname, 'boot.mjs'), { workerData });
    all.push(worker);
    const controlView = new Int32Array(control);
    const bytes = new Uint8Array(data);
    workers.push(
      new Promise<void>((resolve, reject) => {
        worker.on('message', (message: VuMessage) => {
          if (message.type === 'ready') {
            ready += 1;
            // Every VU starts at once, after every init context ran: a race, as k6's VUs start one.
            if (ready === options.vus) {
              Atomics.store(new Int32Array(start), 0, 1);
              Atomics.notify(new Int32Array(start), 0);
            }
          } else if (message.type === 'send') {
            void Promise.all(message.requests.map(answer)).then((answers) => {
              const encoded = new TextEncoder().encode(JSON.stringify(answers));
              bytes.set(encoded.subarray(0, ANSWER_BYTES));
              Atomics.store(controlView, 1, Math.min(encoded.length, ANSWER_BYTES));
              Atomics.store(controlView, 0, 1);
              Atomics.notify(controlView, 0);
            });
          } else {
            lines[instance]!.push(...message.lines);
            errors.push(...message.errors);
          }
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`VU ${vu} exited with ${code}`))));
      }),
    );
  }
  try {
    await Promise.all(workers);
  } finally {
    await Promise.all(all.map((w) => w.terminate()));
  }
  const outputs: string[] = [];
  let points = 0;
  for (let i = 0; i < options.instances; i++) {
    const metrics = new Set(lines[i]!.map((line) => (JSON.parse(line) as { metric: string }).metric));
    const header = [...metrics].map((metric) => JSON.stringify({ type: 'Metric', data: { name: metric, type: metric === 'http_req_duration' ? 'trend' : 'counter', contains: 'default', thresholds: [], submetrics: null }, metric }));
    const text = `${[...header, ...lines[i]!].join('\n')}\n`;
    points += lines[i]!.length;
    const gz = options.gzip?.includes(i) ?? false;
    const file = path.join(options.outDir, `instance-${i}.json${gz ? '.gz' : ''}`);
    await writeFile(file, gz ? gzipSync(text) : text);
    outputs.push(file);
  }
  return { outputs, errors, points };
}
