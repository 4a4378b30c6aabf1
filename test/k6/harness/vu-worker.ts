/**
 * One VU of the k6 test harness, in its own worker thread: runs the script's init context (with
 * `open()` and `__ENV` as k6 gives them), waits until every VU is ready, then runs the default
 * function for shared iterations, and hands its k6 JSON output lines to the main thread.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { HarnessContext, ShimAnswer, ShimRequest, VuMessage, VuWorkerData } from './protocol.ts';

const data = workerData as VuWorkerData;
const control = new Int32Array(data.control);
const bytes = new Uint8Array(data.data);
const lines: string[] = [];
const errors: string[] = [];
const post = (message: VuMessage) => parentPort!.postMessage(message);

/** k6's time format: RFC 3339 with nanoseconds and an offset. */
function k6Time(): string {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  return `${iso.slice(0, 23)}${String(us % 1000).padStart(3, '0')}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}+00:00`;
}

const context: HarnessContext = {
  vu: { idInTest: data.idInTest, idInInstance: data.idInInstance },
  scenario: { iterationInTest: 0, name: 'default' },
  instance: data.instance,
  expected: (status) => status >= 200 && status <= 399,
  send(requests: readonly ShimRequest[]): ShimAnswer[] {
    Atomics.store(control, 0, 0);
    post({ type: 'send', requests });
    Atomics.wait(control, 0, 0);
    const length = Atomics.load(control, 1);
    return JSON.parse(new TextDecoder().decode(bytes.slice(0, length))) as ShimAnswer[];
  },
  emit(metric, value, tags) {
    lines.push(JSON.stringify({ type: 'Point', data: { time: k6Time(), value, tags }, metric }));
  },
};
(globalThis as unknown as { __tbK6: HarnessContext }).__tbK6 = context;
(globalThis as unknown as { __ENV: Record<string, string> }).__ENV = data.env;
(globalThis as unknown as { open: (file: string) => string }).open = (file: string) => readFileSync(file, 'utf8');

const script = (await import(data.scriptPath)) as { default: () => void };
post({ type: 'ready' });
Atomics.wait(new Int32Array(data.start), 0, 0);
const next = new Int32Array(data.iterations);
for (;;) {
  const iteration = Atomics.add(next, 0, 1);
  if (iteration >= data.iterationsTotal) break;
  context.scenario.iterationInTest = iteration;
  try {
    script.default();
  } catch (err) {
    errors.push(String(err));
  }
  context.emit('iterations', 1, { scenario: 'default' });
}
post({ type: 'done', lines, errors });
