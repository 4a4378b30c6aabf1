// The k6 runtime performs each profile operation as the Node side does: for the same answers,
// K6Ops (embedded in exported scripts) and TargetOps (run's engine) send the same request and
// record the same operation — both profiles, every outcome kind. Also: the structural types the
// script declares accept the real ones, and the runtime's copy of a scenario constant agrees.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OVERDRAFT_PRICE } from '../../scenarios/wallet-race.ts';
import type { HttpResponse as RealResponse, TargetHttpClient } from '../../src/engine/http-client.ts';
import { RequestError } from '../../src/engine/http-client.ts';
import { History } from '../../src/engine/history.ts';
import { VuContext } from '../../src/engine/vu.ts';
import type { AnswerMatch, Capture, OperationName, OperationSpec } from '../../src/k6/script/prelude.ts';
import { K6Ops, OVERDRAFT_PRICE_POINTS, type RecordedOp, type TransportAnswer, type TransportRequest } from '../../src/k6/script/runtime.ts';
import { bundledTargetProfile } from '../../src/profile/default-profile.ts';
import { loadProfile } from '../../src/profile/load.ts';
import type * as Schema from '../../src/profile/schema.ts';
import { CONTRACTS, OP_NAMES, TargetOps } from '../../src/profile/target-ops.ts';

// Type-level: the real types are assignable to the script's structural ones (tsc fails otherwise).
const _types: [Schema.AnswerMatch, Schema.Capture, Schema.OperationSpec, Schema.OperationName] extends [AnswerMatch, Capture, OperationSpec, OperationName] ? true : false = true;

interface Canned {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

type Perform = { k6: (ops: K6Ops) => unknown; node: (ops: TargetOps, vu: VuContext) => Promise<unknown> };

const CALLS: Record<string, Perform> = {
  hold: { k6: (o) => o.hold(7, 'S1', 101), node: (o, vu) => o.hold(vu, { scheduleId: 7, seatNo: 'S1', userId: 101 }) },
  pay: { k6: (o) => o.pay(55, 101, 1000), node: (o, vu) => o.pay(vu, 55, 101, { amount: 1000 }) },
  charge: { k6: (o) => o.charge(101, 25, 'u101-k1'), node: (o, vu) => o.charge(vu, { userId: 101, amount: 25, idempotencyKey: 'u101-k1' }) },
  'wallet-read': { k6: (o) => o.readWallet(101), node: (o, vu) => o.readWallet(vu, 101) },
};

const CASES: readonly (readonly [string, Canned])[] = [
  ['hold', { status: 201, body: { reservationId: 55, status: 'HELD' }, headers: { 'hold-attempts': '2' } }],
  ['hold', { status: 409, body: { error: { code: 'SEAT_LOCKED' } } }],
  ['hold', { status: 409, body: { error: { code: 'SOLD_OUT' } } }],
  ['hold', { status: 500, body: { error: { code: 'INTERNAL' } } }],
  ['hold', { status: 201, body: { nothing: true } }],
  ['hold', { status: 0 }],
  ['pay', { status: 201, body: { paymentId: 9, amount: 1000, balance: 500 } }],
  ['pay', { status: 402, body: { error: { code: 'INSUFFICIENT_FUNDS' } } }],
  ['charge', { status: 201, body: { ledgerId: 3, balance: 1025 } }],
  ['charge', { status: 200, body: { ledgerId: 3, balance: 1025 } }],
  ['wallet-read', { status: 200, body: { balance: 1025, version: 4 } }],
  ['wallet-read', { status: 503, body: 'busy' }],
];

async function both(profile: Schema.TargetProfile, op: string, canned: Canned) {
  const text = canned.body === undefined ? '' : typeof canned.body === 'string' ? canned.body : JSON.stringify(canned.body);
  // k6 side
  const sent: TransportRequest[] = [];
  const recorded: RecordedOp[] = [];
  const answer: TransportAnswer = canned.status === 0 ? { status: 0, headers: {}, body: '', error: 'request timeout' } : { status: canned.status, headers: canned.headers ?? {}, body: text };
  const k6 = new K6Ops({ specs: profile.operations, contracts: CONTRACTS, names: OP_NAMES }, { send: (r) => (sent.push(...r), r.map(() => answer)), record: (r) => recorded.push(r), now: () => 1000 }, 3);
  CALLS[op]!.k6(k6);
  // Node side
  const asked: unknown[] = [];
  const http = {
    request: async (name: string, method: string, p: string, body?: unknown, headers?: Record<string, string>) => {
      asked.push({ name, method, path: p, body, headers });
      if (canned.status === 0) throw new RequestError('timeout', 'request timeout', undefined);
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: canned.status, headers: canned.headers ?? {}, json, text, latencyMs: 1 } satisfies RealResponse;
    },
  } as unknown as TargetHttpClient;
  const history = new History();
  await CALLS[op]!.node(new TargetOps(profile), new VuContext(3, http, history, 0));
  return { sent, recorded, asked, node: history.ops()[0]! };
}

describe('k6 runtime', () => {
  it('the structural types accept the real ones; the overdraft price agrees with wallet-race', () => {
    expect(_types).toBe(true);
    expect(OVERDRAFT_PRICE_POINTS).toBe(OVERDRAFT_PRICE);
  });

  for (const profileName of ['bundled', 'seatline']) {
    it(`records what TargetOps records for the same answers (${profileName} profile)`, async () => {
      const profile = profileName === 'bundled' ? bundledTargetProfile().profile : (await loadProfile(path.resolve(import.meta.dirname, '../../examples/seatline/seatline.profile.ts'))).profile;
      for (const [op, canned] of CASES) {
        const name = op === 'wallet-read' ? 'balance' : op;
        if (profile.operations[name as Schema.OperationName] === undefined) continue;
        const { sent, recorded, asked, node } = await both(profile, op, canned);
        const where = `${profileName} ${op} ${canned.status}`;
        // The same request: method, path, body and headers.
        expect(sent.map((r) => ({ name: r.name, method: r.method, path: r.path, body: r.body === undefined ? undefined : JSON.parse(r.body), headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'content-type')) })), where).toEqual(
          asked.map((a) => ({ ...(a as object), headers: (a as { headers?: object }).headers ?? {} })),
        );
        // The same operation recorded.
        expect(recorded).toHaveLength(1);
        const k6 = recorded[0]!;
        expect({ f: k6.op, type: k6.outcome, value: k6.value }, where).toEqual({ f: node.f, type: node.type, value: node.value });
        if (canned.status !== 0) {
          expect({ result: k6.result, error: k6.error }, where).toEqual({ result: node.result, error: node.error });
        }
      }
    });
  }
});
