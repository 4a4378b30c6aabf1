/**
 * The operations scenarios perform on a target, driven by its profile and recorded in the history
 * with the shapes the checkers read, whatever the service's API looks like:
 * - `hold` {scheduleId, seatNo, userId, pass?} → {reservationId, status, attempts?};
 * - `pay` {reservationId, userId, amount?, idempotencyKey?} → {paymentId, status, amount?, balance?, applied?};
 * - `charge` {userId, amount, idempotencyKey} → {ledgerId, balance, applied, status};
 * - `wallet-read` {userId} → {balance, version?, status};
 * - `queue-enter` / `queue-status` {scheduleId, userId} → {state, position?, estimatedWaitMs?, passToken?, passExpiresAt?, entered?, status};
 * - `queue-leave` {scheduleId, userId} → {left?, released?, status}.
 * Ids (users, reservations, payments) may be numbers or strings (UUIDs), as the service has them.
 * Amounts are points.
 */
import { TicketbenchError } from '../errors.ts';
import type { OpFields } from '../engine/history.ts';
import type { OpResult, VuContext } from '../engine/vu.ts';
import { info } from '../engine/vu.ts';
import { classifyAnswer, evidence, type CaptureContract, type ClassifiedAnswer } from './answer.ts';
import { encodeSeatBitmap } from './seat-bitmap.ts';
import type { OperationName, OperationSpec, TargetProfile } from './schema.ts';
import { buildRequest } from './request.ts';
import { readPath, type TemplateVars } from './template.ts';

export { buildRequest, type BuiltRequest } from './request.ts';

/** An id as the service has it: a number or a string (a UUID). */
export type Id = string | number;

/** Whose pass a hold presents in a queue scenario: the user's own, none, or another user's. */
export type PassKind = 'own' | 'none' | 'other';

/** What a hold asks for. */
export interface HoldRequest {
  readonly scheduleId: number;
  readonly seatNo: string;
  readonly userId: Id;
  /** Queue scenarios: whose pass is presented (recorded), and the token itself (sent when given). */
  readonly pass?: PassKind;
  readonly queueToken?: string;
}

/** What a wallet scenario adds to a payment. */
export interface PayOptions {
  /** The seat price the payment debits, points: recorded so the wallet checks can account for it. */
  readonly amount?: number;
  /** Sent to the target; a retry with it is answered the first result (`applied: false`). */
  readonly idempotencyKey?: string;
}

/** What a charge asks for. */
export interface ChargeRequest {
  readonly userId: Id;
  /** Points to add, a positive whole number. */
  readonly amount: number;
  /** Same key = same charge: the target applies it at most once. */
  readonly idempotencyKey: string;
}

/** Whose queue entry a queue request is about. */
export interface QueueUser {
  readonly scheduleId: number;
  readonly userId: Id;
  /** The pass token, for services that want it on queue requests. */
  readonly queueToken?: string;
}

/** What each operation must read from an `ok` answer (also embedded as data into exported k6 scripts). */
export const CONTRACTS: Readonly<Record<OperationName, CaptureContract>> = {
  hold: { required: ['reservationId'], integers: ['attempts'] },
  pay: { required: ['paymentId'], integers: ['amount', 'balance'] },
  charge: { required: ['ledgerId', 'balance'], integers: ['balance'] },
  balance: { required: ['balance'], integers: ['balance', 'version'], read: true },
  queueEnter: { required: ['state'], integers: ['position', 'estimatedWaitMs', 'passExpiresAt'] },
  queueStatus: { required: ['state'], integers: ['position', 'estimatedWaitMs', 'passExpiresAt'], read: true },
  queueLeave: { required: [] },
  seatMap: { required: [], read: true },
  scheduleList: { required: [], read: true },
  concertList: { required: [], read: true },
};

/** The history name and request name of each operation. */
export const OP_NAMES: Readonly<Record<OperationName, string>> = {
  hold: 'hold',
  pay: 'pay',
  charge: 'charge',
  balance: 'wallet-read',
  queueEnter: 'queue-enter',
  queueStatus: 'queue-status',
  queueLeave: 'queue-leave',
  seatMap: 'seats',
  scheduleList: 'schedules',
  concertList: 'concerts',
};

/** Answers of one operation before its unreadable share is judged. */
export const UNREADABLE_MIN_ANSWERS = 20;

/** A target's operations, bound to its profile. */
export class TargetOps {
  private readonly answers = new Map<OperationName, { total: number; unreadable: number }>();
  private stopped = false;

  /**
   * @param onUnreadable told once, with a message naming the operation and an example, when most
   *   answers (more than half, after UNREADABLE_MIN_ANSWERS) of one operation are unreadable: the
   *   profile does not fit the service, and the load should stop
   */
  constructor(
    readonly profile: TargetProfile,
    private readonly onUnreadable?: (message: string) => void,
  ) {}

  /** True when the profile declares the operation. */
  has(name: OperationName): boolean {
    return this.profile.operations[name] !== undefined;
  }

  /**
   * Throws unless the profile declares every operation in `names` (checked before a run starts).
   * @throws TicketbenchError INVALID_OPTION naming the missing operations and the scenario
   */
  require(names: readonly OperationName[], scenario: string): void {
    const missing = names.filter((name) => !this.has(name));
    if (missing.length > 0) {
      throw new TicketbenchError('INVALID_OPTION', `Profile "${this.profile.name}" declares no ${missing.map((m) => `operations.${m}`).join(', ')}, which scenario ${scenario} needs.`);
    }
  }

  /** Holds a seat, recorded as `hold`. */
  hold(vu: VuContext, request: HoldRequest): Promise<OpResult> {
    const value: OpFields = { scheduleId: request.scheduleId, seatNo: request.seatNo, userId: request.userId, ...(request.pass === undefined ? {} : { pass: request.pass }) };
    return this.perform(vu, 'hold', value, { scheduleId: request.scheduleId, seatNo: request.seatNo, userId: request.userId, queueToken: request.queueToken });
  }

  /**
   * Pays for a held reservation, recorded as `pay`; `applied` is recorded only when an
   * idempotency key was sent.
   */
  pay(vu: VuContext, reservationId: Id, userId: Id, options: PayOptions = {}): Promise<OpResult> {
    const value: OpFields = { reservationId, userId, ...(options.amount === undefined ? {} : { amount: options.amount }), ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }) };
    return this.perform(vu, 'pay', value, { reservationId, userId, idempotencyKey: options.idempotencyKey }, options.idempotencyKey !== undefined);
  }

  /** Adds points to a wallet, recorded as `charge` (`applied: false` for a replayed key). */
  charge(vu: VuContext, request: ChargeRequest): Promise<OpResult> {
    const value: OpFields = { userId: request.userId, amount: request.amount, idempotencyKey: request.idempotencyKey };
    return this.perform(vu, 'charge', value, value, true);
  }

  /** Reads a wallet's balance, recorded as `wallet-read`. */
  readWallet(vu: VuContext, userId: Id): Promise<OpResult> {
    return this.perform(vu, 'balance', { userId }, { userId });
  }

  /** Enters the waiting queue, recorded as `queue-enter`. */
  enterQueue(vu: VuContext, user: QueueUser): Promise<OpResult> {
    return this.perform(vu, 'queueEnter', { scheduleId: user.scheduleId, userId: user.userId }, { ...user });
  }

  /** Reads the user's place in the queue, recorded as `queue-status`. */
  queueStatus(vu: VuContext, user: QueueUser): Promise<OpResult> {
    return this.perform(vu, 'queueStatus', { scheduleId: user.scheduleId, userId: user.userId }, { ...user });
  }

  /** Leaves the queue (or gives up a pass), recorded as `queue-leave`. */
  leaveQueue(vu: VuContext, user: QueueUser): Promise<OpResult> {
    return this.perform(vu, 'queueLeave', { scheduleId: user.scheduleId, userId: user.userId }, { ...user });
  }

  /**
   * Reads a schedule's seat map, recorded as `seats` {scheduleId} → {status, available?, bitmap?}:
   * with the operation's `available`, how many seats the answer showed available and which of the
   * fixture's `seatCount` seats (S1…Sn) they are (src/profile/seat-bitmap.ts). An ok answer whose
   * seat list cannot be read is `info`, so it stays out of the staleness check.
   */
  seatMap(vu: VuContext, scheduleId: number, seatCount = 0): Promise<OpResult> {
    const spec = this.spec('seatMap');
    return vu.op(OP_NAMES.seatMap, { scheduleId }, async () => {
      const request = buildRequest(spec, { scheduleId });
      const res = await vu.http.request(OP_NAMES.seatMap, request.method, request.path, request.body, request.headers);
      const outcome = classifyAnswer(spec, CONTRACTS.seatMap, res);
      this.count('seatMap', outcome);
      if (outcome.type !== 'ok' || spec.available === undefined) return outcome;
      const seats = availableSeats(spec.available, res.json);
      if (seats === undefined) return info(`${res.status} without a seat list at ${spec.available.from}: ${evidence(res)}`, { status: res.status });
      return { ...outcome, result: { ...outcome.result, available: seats.length, bitmap: encodeSeatBitmap(seats, seatCount) } };
    });
  }

  /** Reads a concert's schedule list, recorded as `schedules` {scheduleId}. */
  scheduleList(vu: VuContext, scheduleId: number, concertId: number | undefined): Promise<OpResult> {
    return this.perform(vu, 'scheduleList', { scheduleId, ...(concertId === undefined ? {} : { concertId }) }, { scheduleId, concertId });
  }

  /** Reads the list of concerts, recorded as `concerts`. */
  concertList(vu: VuContext): Promise<OpResult> {
    return this.perform(vu, 'concertList', {}, {});
  }

  private perform(vu: VuContext, name: OperationName, value: OpFields, vars: TemplateVars, replayable = false): Promise<OpResult> {
    const spec = this.spec(name);
    return vu.op(OP_NAMES[name], value, async () => {
      const request = buildRequest(spec, vars);
      const res = await vu.http.request(OP_NAMES[name], request.method, request.path, request.body, request.headers);
      const outcome = classifyAnswer(spec, CONTRACTS[name], res, replayable);
      this.count(name, outcome);
      return outcome;
    });
  }

  private count(name: OperationName, outcome: ClassifiedAnswer): void {
    const tally = this.answers.get(name) ?? { total: 0, unreadable: 0 };
    tally.total += 1;
    if (outcome.unreadable) tally.unreadable += 1;
    this.answers.set(name, tally);
    if (this.stopped || !this.onUnreadable || tally.total < UNREADABLE_MIN_ANSWERS || tally.unreadable * 2 <= tally.total) return;
    this.stopped = true;
    this.onUnreadable(
      `${tally.unreadable} of ${tally.total} answers to operations.${name} of profile "${this.profile.name}" could not be read (e.g. ${outcome.error ?? 'an unreadable answer'}); the profile does not fit the service: check it with \`ticketbench profile check\`.`,
    );
  }

  private spec(name: OperationName): OperationSpec {
    const spec = this.profile.operations[name];
    if (!spec) throw new TicketbenchError('INVALID_OPTION', `Profile "${this.profile.name}" declares no operations.${name}.`);
    return spec;
  }
}

/** The seat numbers an answer shows available, as the operation's `available` reads them; undefined when not a list. */
function availableSeats(spec: NonNullable<OperationSpec['available']>, body: unknown): string[] | undefined {
  const list = readPath(body, spec.from);
  if (!Array.isArray(list)) return undefined;
  const seats: string[] = [];
  for (const item of list) {
    if (spec.where && !spec.where.in.some((v) => v === readPath(item, spec.where!.path))) continue;
    const seat = spec.pick === undefined ? item : readPath(item, spec.pick);
    if (typeof seat === 'string') seats.push(seat);
  }
  return seats;
}
