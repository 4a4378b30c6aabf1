/**
 * The runtime of an exported k6 script (src/k6/export.ts embeds this file's source, less its
 * imports, after the modules it imports): the profile's operations performed over a synchronous
 * transport (k6/http in k6, a blocking client in the test harness) and each recorded as one
 * completed operation, and the iteration of every exportable scenario. It runs in k6's JavaScript
 * runtime (Sobek), so it uses no Node API and nothing newer than ES2020's library, and only what it imports here: the profile's request building
 * (src/profile/request.ts), answer reading (src/profile/answer.ts) and the outcome constructors
 * (src/engine/op-result.ts), the same sources `run` uses.
 */
import type { HttpResponse } from '../../engine/http-client.ts';
import { info, type OpFields, type OpOutcome, type OpResult } from '../../engine/op-result.ts';
import { classifyAnswer, type CaptureContract } from '../../profile/answer.ts';
import type { OperationName, OperationSpec } from '../../profile/schema.ts';
import { buildRequest } from '../../profile/request.ts';
import type { TemplateVars } from '../../profile/template.ts';

/** One HTTP request of an operation, relative to the target's base URL. */
export interface TransportRequest {
  /** Request name (k6 `name` tag), e.g. `hold`. */
  readonly name: string;
  readonly method: string;
  readonly path: string;
  /** JSON text, when the operation has a body. */
  readonly body?: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** An answer, or no answer: status 0 with `error` (timeout, refused, reset), as k6 reports it. */
export interface TransportAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Why no answer came, e.g. `request timeout` (status 0). */
  readonly error?: string;
}

/** One completed operation, as recorded in the `ticketbench_op` metric. */
export interface RecordedOp {
  /** History name, e.g. `hold`, `wallet-read`. */
  readonly op: string;
  readonly outcome: OpOutcome;
  /** The VU, unique in the whole test (k6 `exec.vu.idInTest`). */
  readonly vu: number;
  readonly value: OpFields;
  readonly result: OpFields;
  readonly error?: string;
  /** Invocation and completion, epoch microseconds. */
  readonly invokedUs: number;
  readonly completedUs: number;
}

/** What the runtime needs from its host: sending requests, recording operations, the clock. */
export interface Transport {
  /** Sends the requests at once (one: a plain request; several: in parallel) and returns the answers in order. */
  send(requests: readonly TransportRequest[]): TransportAnswer[];
  /** Records one completed operation. */
  record(op: RecordedOp): void;
  /** Epoch time, ms (may have a fraction). */
  now(): number;
}

/** The profile's operations and what each must read, as the exporter embeds them. */
export interface OperationTable {
  readonly specs: Partial<Record<OperationName, OperationSpec>>;
  readonly contracts: Readonly<Record<OperationName, CaptureContract>>;
  readonly names: Readonly<Record<OperationName, string>>;
}

/** One operation to perform: which, what is recorded as asked, the template variables. */
interface Call {
  readonly name: OperationName;
  readonly value: OpFields;
  readonly vars: TemplateVars;
  readonly replayable: boolean;
}

/** An id as the service has it. */
export type Id = string | number;

/**
 * The profile's operations bound to one VU: each performs its request(s), classifies the answer
 * as the profile says, records the operation and returns the outcome. A request without an
 * answer (status 0) is `info`, as in ticketbench's engine.
 */
export class K6Ops {
  constructor(
    private readonly table: OperationTable,
    private readonly transport: Transport,
    private readonly vu: number,
  ) {}

  /** Holds a seat: `hold` {scheduleId, seatNo, userId} → {reservationId, status, attempts?}. */
  hold(scheduleId: number, seatNo: string, userId: Id): OpResult {
    return this.perform([holdCall(scheduleId, seatNo, userId)])[0]!;
  }

  /** Pays for a reservation: `pay` {reservationId, userId, amount?} → {paymentId, status, …}. */
  pay(reservationId: Id, userId: Id, amount?: number): OpResult {
    const value: OpFields = { reservationId, userId, ...(amount === undefined ? {} : { amount }) };
    return this.perform([{ name: 'pay', value, vars: { reservationId, userId }, replayable: false }])[0]!;
  }

  /** Charges points, `copies` identical requests at once (a duplicate submission): `charge` each. */
  charge(userId: Id, amount: number, idempotencyKey: string, copies = 1): OpResult[] {
    const value: OpFields = { userId, amount, idempotencyKey };
    return this.perform(Array.from({ length: copies }, () => ({ name: 'charge' as const, value, vars: value, replayable: true })));
  }

  /** Reads a wallet: `wallet-read` {userId} → {balance, version?, status}. */
  readWallet(userId: Id): OpResult {
    return this.perform([{ name: 'balance', value: { userId }, vars: { userId }, replayable: false }])[0]!;
  }

  private perform(calls: readonly Call[]): OpResult[] {
    const requests: TransportRequest[] = [];
    const built: (OpResult | undefined)[] = [];
    for (const call of calls) {
      const spec = this.table.specs[call.name];
      try {
        if (!spec) throw new Error(`the profile declares no operations.${call.name}`);
        const request = buildRequest(spec, call.vars);
        requests.push({
          name: this.table.names[call.name],
          method: request.method,
          path: request.path,
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          headers: { ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
        });
        built.push(undefined);
      } catch (err) {
        built.push(info(String(err)));
      }
    }
    const invokedUs = Math.round(this.transport.now() * 1000);
    const answers = requests.length > 0 ? this.transport.send(requests) : [];
    const completedUs = Math.round(this.transport.now() * 1000);
    let next = 0;
    return calls.map((call, i) => {
      const outcome = built[i] ?? this.classify(call, answers[next++]!);
      this.transport.record({
        op: this.table.names[call.name],
        outcome: outcome.type,
        vu: this.vu,
        value: call.value,
        result: outcome.result ?? {},
        ...(outcome.error ? { error: outcome.error } : {}),
        invokedUs,
        completedUs,
      });
      return outcome;
    });
  }

  private classify(call: Call, answer: TransportAnswer): OpResult {
    if (answer.status === 0) return info(answer.error || 'no answer');
    let json: unknown;
    try {
      json = answer.body === '' ? undefined : JSON.parse(answer.body);
    } catch {
      json = undefined;
    }
    const res: HttpResponse = { status: answer.status, headers: answer.headers, json, text: answer.body, latencyMs: 0 };
    const { unreadable: _unreadable, ...outcome } = classifyAnswer(this.table.specs[call.name]!, this.table.contracts[call.name], res, call.replayable);
    return outcome;
  }
}

function holdCall(scheduleId: number, seatNo: string, userId: Id): Call {
  const value: OpFields = { scheduleId, seatNo, userId };
  return { name: 'hold', value, vars: value, replayable: false };
}

/** What one iteration of an exported scenario gets. */
export interface IterationContext {
  readonly ops: K6Ops;
  /** The VU, unique in the whole test across instances (k6 `exec.vu.idInTest`), 1-based. */
  readonly vu: number;
  /** The iteration, unique in the whole test across instances (k6 `exec.scenario.iterationInTest`), 0-based. */
  readonly iteration: number;
  /** The fixture's setup data (`FixtureFile.data`). */
  readonly data: any;
  /** The fixture's resolved scenario options. */
  readonly options: Readonly<Record<string, string | number | boolean>>;
  /** State this VU keeps between its iterations. */
  readonly local: Record<string, unknown>;
  /** The clock, epoch ms. */
  now(): number;
}

/** Index of a seat picked uniformly among n. */
function uniformIndex(n: number): number {
  return Math.floor(Math.random() * n);
}

/** 80% of picks on the first 20% of seats (flash-sale `--pick hot`). */
function hotIndex(n: number): number {
  const hot = Math.max(1, Math.floor(n * 0.2));
  if (Math.random() < 0.8 || hot === n) return Math.floor(Math.random() * hot);
  return hot + Math.floor(Math.random() * (n - hot));
}

/** contention: VU v is user (v − 1) mod users and races for seat (v − 1) mod seats; hold, then pay. */
function contention(ctx: IterationContext): void {
  const data = ctx.data as { scheduleId: number; seatNos: string[]; userIds: Id[] };
  const userId = data.userIds[(ctx.vu - 1) % data.userIds.length]!;
  const seatNo = data.seatNos[(ctx.vu - 1) % data.seatNos.length]!;
  const hold = ctx.ops.hold(data.scheduleId, seatNo, userId);
  if (hold.type === 'ok') ctx.ops.pay(hold.result!['reservationId'] as Id, userId);
}

/** flash-sale: iteration i is user i mod users; picks a seat, retries another after a lost race. */
function flashSale(ctx: IterationContext): void {
  const data = ctx.data as { scheduleId: number; seatNos: string[]; userIds: Id[] };
  const userId = data.userIds[ctx.iteration % data.userIds.length]!;
  const retries = Number(ctx.options['retries']);
  for (let attempt = 0; attempt <= retries; attempt++) {
    const seatNo = data.seatNos[attempt === 0 && ctx.options['pick'] === 'hot' ? hotIndex(data.seatNos.length) : uniformIndex(data.seatNos.length)]!;
    const hold = ctx.ops.hold(data.scheduleId, seatNo, userId);
    if (hold.type === 'ok') {
      ctx.ops.pay(hold.result!['reservationId'] as Id, userId);
      return;
    }
    if (hold.type !== 'fail' || hold.result?.['reason'] !== 'lost-race') return;
  }
}

/** The wallet operations an iteration draws from, in the order of their weights. */
const WALLET_OPS = ['charge', 'pay', 'duplicate', 'overdraft'] as const;

/**
 * wallet-race: VU v works for user (v − 1) mod users; each of `ops` operations is drawn from the
 * mix. Seats are handed out by the globally unique iteration number (iteration × ops + i), so
 * instances never hold the same seat; each VU samples its user's balance every
 * sampleInterval × VUs per user, about the pace of `run`'s shared sampling.
 */
function walletRace(ctx: IterationContext): void {
  interface Schedule { scheduleId: number; seatNos: string[]; userIds: Id[] }
  const data = ctx.data as { users: Schedule; overdraft: Schedule; weights: Record<string, number> };
  const o = ctx.options;
  const userId = data.users.userIds[(ctx.vu - 1) % data.users.userIds.length]!;
  const ops = Number(o['ops']);
  const total = WALLET_OPS.reduce((sum, op) => sum + (data.weights[op] ?? 0), 0);
  const sampleEveryMs = Number(o['sampleIntervalMs']) * Math.max(1, Number(o['vusPerUser']));
  for (let i = 0; i < ops; i++) {
    const now = ctx.now();
    if (now - Number(ctx.local['lastSampleMs'] ?? 0) >= sampleEveryMs) {
      ctx.local['lastSampleMs'] = now;
      ctx.ops.readWallet(userId);
    }
    let x = Math.random() * total;
    const positive = WALLET_OPS.filter((name) => (data.weights[name] ?? 0) > 0);
    const op = WALLET_OPS.find((name) => (x -= data.weights[name] ?? 0) < 0) ?? positive[positive.length - 1]!;
    const seatIndex = ctx.iteration * ops + i;
    const key = `u${userId}-k6-${ctx.vu}-${seatIndex}-${Math.random().toString(36).slice(2, 10)}`;
    const amount = 1 + Math.floor(Math.random() * Number(o['maxCharge']));
    if (op === 'charge' || op === 'duplicate') {
      ctx.ops.charge(userId, amount, key, op === 'duplicate' ? 2 : 1);
      continue;
    }
    const schedule = op === 'pay' ? data.users : data.overdraft;
    if (seatIndex >= schedule.seatNos.length) continue;
    const hold = ctx.ops.hold(schedule.scheduleId, schedule.seatNos[seatIndex]!, userId);
    if (hold.type === 'ok') ctx.ops.pay(hold.result!['reservationId'] as Id, userId, op === 'pay' ? Number(o['price']) : OVERDRAFT_PRICE_POINTS);
  }
}

/** wallet-race's overdraft price, points (scenarios/wallet-race.ts OVERDRAFT_PRICE). */
export const OVERDRAFT_PRICE_POINTS = 2_000_000_000;

/** The iteration of each exportable scenario, by scenario name. */
export const ITERATIONS: Readonly<Record<string, (ctx: IterationContext) => void>> = {
  contention,
  'flash-sale': flashSale,
  'wallet-race': walletRace,
};
