/**
 * The k6 side of an exported script: what touches k6's APIs. The exporter (src/k6/export.ts)
 * puts the embedded runtime and the generated constants (SCENARIO, OPERATIONS,
 * REQUEST_TIMEOUT_MS, `options`) before this file's code and keeps its `k6*` imports. Not part of
 * the project's type check (it needs @types/k6's globals); every exported script is type-checked
 * against @types/k6 by test/k6/export-typecheck.test.ts instead.
 */
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter, Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { ITERATIONS, K6Ops, type OperationTable, type RecordedOp, type Transport, type TransportAnswer, type TransportRequest } from './runtime.ts';

declare const SCENARIO: string;
declare const OPERATIONS: OperationTable;
declare const REQUEST_TIMEOUT_MS: number;

/** The fixture `ticketbench setup` wrote, read once per VU in the init context. */
interface ScriptFixture {
  readonly scenario: string;
  readonly data: unknown;
  readonly scenarioOptions: Readonly<Record<string, string | number | boolean>>;
  readonly targetUrl?: string;
}

const FIXTURE_FILE = __ENV['FIXTURE'] ?? 'fixture.json';
const fixture = JSON.parse(open(FIXTURE_FILE)) as ScriptFixture;
if (fixture.scenario !== SCENARIO) throw new Error(`${FIXTURE_FILE} was set up for scenario ${fixture.scenario}; this script runs ${SCENARIO}`);
const BASE_URL = (__ENV['BASE_URL'] ?? fixture.targetUrl ?? '').replace(/\/+$/, '');
if (BASE_URL === '') throw new Error('set BASE_URL (k6 run -e BASE_URL=http://host:port): the fixture names no running target');

/** One point per completed operation: ticketbench verify rebuilds the history from them. */
const opMetric = new Counter('ticketbench_op');
/** ticketbench's `errors`: answers other than 2xx and 409, timeouts and connection errors. */
const errors = new Rate('errors');
// A 409 is a lost race, the expected answer under contention, not a failed request.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 409));

function answerOf(res: { status: number; headers: Record<string, string>; body: unknown; error: string }): TransportAnswer {
  errors.add(res.status === 0 || ((res.status < 200 || res.status > 299) && res.status !== 409));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) headers[name.toLowerCase()] = value;
  return { status: res.status, headers, body: typeof res.body === 'string' ? res.body : '', ...(res.error ? { error: res.error } : {}) };
}

const transport: Transport = {
  send(requests: readonly TransportRequest[]): TransportAnswer[] {
    const params = (r: TransportRequest) => ({ headers: { ...r.headers }, tags: { name: r.name }, timeout: REQUEST_TIMEOUT_MS, responseType: 'text' as const });
    if (requests.length === 1) {
      const r = requests[0]!;
      return [answerOf(http.request(r.method, BASE_URL + r.path, r.body ?? null, params(r)))];
    }
    const responses = http.batch(requests.map((r) => ({ method: r.method, url: BASE_URL + r.path, body: r.body ?? null, params: params(r) })));
    return responses.map((res) => answerOf(res));
  },
  record(op: RecordedOp): void {
    opMetric.add(1, {
      op: op.op,
      outcome: op.outcome,
      vu_id: String(op.vu),
      invoked_us: String(op.invokedUs),
      completed_us: String(op.completedUs),
      value: JSON.stringify(op.value),
      result: JSON.stringify(op.result),
      ...(op.error ? { error: op.error.slice(0, 200) } : {}),
    });
  },
  now: () => Date.now(),
};

/** State this VU keeps between iterations (e.g. when it last sampled a balance). */
const local: Record<string, unknown> = {};
let ops: K6Ops | undefined;

/** One iteration of the scenario, as ticketbench's engine runs it. */
export default function (): void {
  ops ??= new K6Ops(OPERATIONS, transport, exec.vu.idInTest);
  ITERATIONS[SCENARIO]!({ ops, vu: exec.vu.idInTest, iteration: exec.scenario.iterationInTest, data: fixture.data, options: fixture.scenarioOptions, local, now: () => Date.now() });
}
