/**
 * What the wallet checks read from MySQL (the only I/O: `collectWalletSnapshot`) and how they
 * read the client history (pure). Operation shapes, as `src/scenario/wallet-ops.ts` and
 * `reservation-ops.ts` record them:
 * - `charge` {userId, amount, idempotencyKey} → {ledgerId, balance, applied, status};
 * - `pay` {reservationId, userId, amount, idempotencyKey?} → {paymentId, amount, balance, status};
 *   a 402 answer is `fail` with `code: INSUFFICIENT_FUNDS`;
 * - `wallet-read` {userId} → {balance, version}: a balance sampled during the load.
 * Amounts are points; times are the history's microseconds since the load started.
 * Source: Jepsen's bank test (`jepsen.tests.bank`): every read and the final state must add up.
 */
import type { Op } from '../engine/history.ts';
import type { Id } from '../profile/target-ops.ts';
import { canonicalRows, normId } from './canonical.ts';
import { checkerFamily, type CheckScope, type StoreClients } from './checker.ts';

/** One wallet row. */
export interface WalletRow {
  readonly userId: Id;
  /** Points. */
  readonly balance: number;
}

/** One ledger row; `amount` signed points (+ INITIAL/CHARGE/REFUND, − PAYMENT). */
export interface LedgerEntry {
  readonly id: number;
  readonly userId: Id;
  readonly amount: number;
  readonly type: string;
  readonly idempotencyKey: string | null;
  readonly reservationId: Id | null;
  /**
   * The balance the target wrote with this row, points. Each user's rows, in id order, form a
   * chain (previous balanceAfter + amount) whenever the user's changes were serialised; where the
   * chain breaks, a change was computed from a stale balance: a lost update.
   */
  readonly balanceAfter: number;
}

/** A reservation of one of the run's users with its seat price (points). */
export interface WalletReservation {
  readonly id: Id;
  readonly userId: Id;
  readonly status: string;
  readonly price: number;
}

/** The run's wallets, their ledgers and their users' reservations, read after the load. */
export interface WalletSnapshot {
  /** Users the run exercised (scope.wallets.userIds). */
  readonly userIds: readonly Id[];
  /** Points each started with. */
  readonly initialPoints: number;
  readonly wallets: readonly WalletRow[];
  readonly ledger: readonly LedgerEntry[];
  readonly reservations: readonly WalletReservation[];
}

/**
 * Reads the wallets, ledger rows and reservations of the scope's users (indexes: wallets PK,
 * the ledger's (user_id, idempotency_key) unique key, reservations by user).
 * @throws Error when the scope has no `wallets` (not a wallet scenario); the driver's error when
 *   MySQL cannot be read. runCheckers turns either into `unknown`.
 */
export async function collectWalletSnapshot(stores: StoreClients, scope: CheckScope): Promise<WalletSnapshot> {
  if (!scope.wallets) throw new Error('this run has no wallets in its scope (not a wallet scenario)');
  const wallets = await canonicalRows(stores, scope, 'wallets');
  const ledger = await canonicalRows(stores, scope, 'ledger');
  const reservations = await canonicalRows(stores, scope, 'reservationPrices');
  return {
    userIds: scope.wallets.userIds.map(normId),
    initialPoints: scope.wallets.initialPoints,
    wallets: wallets.map((w) => ({ userId: normId(w.userId), balance: Number(w.balance) })),
    ledger: ledger
      .map((l) => ({
        id: Number(l.id),
        userId: normId(l.userId),
        amount: Number(l.amount),
        type: String(l.type),
        idempotencyKey: l.idempotencyKey === null ? null : String(l.idempotencyKey),
        reservationId: l.reservationId === null ? null : normId(l.reservationId),
        balanceAfter: Number(l.balanceAfter),
      }))
      // The chain of balances is read in the order the rows were written.
      .sort((a, b) => a.id - b.id),
    reservations: reservations.map((r) => ({ id: normId(r.id), userId: normId(r.userId), status: String(r.status), price: Number(r.price) })),
  };
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

/**
 * One balance change the client asked for, with every operation that asked for it: the charges
 * sharing an idempotency key (duplicates and replays are one change), or the payments of one
 * reservation. Jepsen's rule decides when it may have taken effect: an `ok` op took effect at some
 * instant between its invoke and its completion, an `info` op at any instant after its invoke
 * (or never), a `fail` op never.
 */
export interface WalletEffect {
  readonly userId: Id;
  readonly f: 'charge' | 'pay';
  /** The idempotency key (charges) or `reservation:<id>` (payments). */
  readonly key: string;
  /** Signed points: + for a charge, − for a payment. */
  readonly delta: number;
  /** Some op was acknowledged (`ok`): the change happened. */
  readonly certain: boolean;
  /** Some op was `ok` or `info`: the change may have happened. */
  readonly possible: boolean;
  /** Latest instant by which it surely happened: the earliest completion of an `ok` op, µs (Infinity if none). */
  readonly certainByUs: number;
  /** Earliest instant it may have happened: the earliest invocation of an `ok` or `info` op, µs (Infinity if none). */
  readonly possibleFromUs: number;
  readonly ops: readonly Op[];
}

/** The points a `pay` op moves: the amount it asked to pay, or the one the target answered. */
export function payAmount(op: Op): number | undefined {
  const amount = op.value['amount'] ?? op.result['amount'];
  return amount === undefined || amount === null ? undefined : num(amount);
}

/**
 * Groups the history's `charge` and `pay` ops into effects per user (see WalletEffect). Pays with
 * no known amount are left out and returned apart (they cannot be accounted for).
 */
export function walletEffects(ops: readonly Op[]): { byUser: Map<Id, WalletEffect[]>; unknownAmount: Op[] } {
  const groups = new Map<string, { userId: Id; f: 'charge' | 'pay'; key: string; delta: number; ops: Op[] }>();
  const unknownAmount: Op[] = [];
  for (const op of ops) {
    if (op.f !== 'charge' && op.f !== 'pay') continue;
    const userId = normId(op.value['userId']);
    let key: string;
    let delta: number;
    if (op.f === 'charge') {
      key = String(op.value['idempotencyKey']);
      delta = num(op.value['amount']);
    } else {
      const amount = payAmount(op);
      if (amount === undefined) {
        if (op.type !== 'fail') unknownAmount.push(op);
        continue;
      }
      key = `reservation:${normId(op.value['reservationId'])}`;
      delta = -amount;
    }
    const id = `${userId}/${op.f}/${key}`;
    const group = groups.get(id) ?? { userId, f: op.f, key, delta, ops: [] };
    group.ops.push(op);
    groups.set(id, group);
  }
  const byUser = new Map<Id, WalletEffect[]>();
  for (const g of groups.values()) {
    const ok = g.ops.filter((o) => o.type === 'ok');
    const maybe = g.ops.filter((o) => o.type !== 'fail');
    const effect: WalletEffect = {
      ...g,
      certain: ok.length > 0,
      possible: maybe.length > 0,
      certainByUs: Math.min(Infinity, ...ok.map((o) => o.completeUs)),
      possibleFromUs: Math.min(Infinity, ...maybe.map((o) => o.invokeUs)),
    };
    const list = byUser.get(g.userId);
    if (list) list.push(effect);
    else byUser.set(g.userId, [effect]);
  }
  return { byUser, unknownAmount };
}

/** `ok` sampled balances (`wallet-read`) per user, in completion order. */
export function walletReads(ops: readonly Op[]): Map<Id, Op[]> {
  const reads = new Map<Id, Op[]>();
  for (const op of ops) {
    if (op.f !== 'wallet-read' || op.type !== 'ok' || op.result['balance'] === undefined) continue;
    const userId = normId(op.value['userId']);
    const list = reads.get(userId);
    if (list) list.push(op);
    else reads.set(userId, [op]);
  }
  return reads;
}

/** `1,234` for evidence text; signed with an explicit + when asked. */
export function points(n: number, signed = false): string {
  const text = Math.abs(n).toLocaleString('en-US');
  return n < 0 ? `−${text}` : signed ? `+${text}` : text;
}

/** Defines one of the wallet checkers: they all read collectWalletSnapshot (the scope's wallets). */
export const defineWalletChecker = checkerFamily(collectWalletSnapshot, (scope) => scope.wallets);
