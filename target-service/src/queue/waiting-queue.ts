/**
 * The waiting queue of the bundled target (seed 001's "Queue Control" layer, seed 003's ZADD NX
 * queue with passes): per schedule that was created with a queue, users enter a Redis sorted set
 * in arrival order; a scheduled advancement (`advancer.ts`) admits them `capacity` at a time with
 * pass tokens that expire after `passTtlMs`; a hold on such a schedule needs the user's valid pass;
 * a payment or leaving gives the pass back early. Schedules created without a queue are untouched.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpError } from '../errors.ts';
import { runScript, type Redis } from '../redis.ts';
import { queueKeys, queueRegistryKey, type QueueKeys } from '../waiting-queue.ts';
import { ADVANCE, ENTER, RELEASE, STATUS } from './scripts.ts';

/** Per-schedule queue settings, given when the schedule is created (`POST /admin/fixtures`). */
export interface QueueSettings {
  /** Most passes active at once. */
  readonly capacity: number;
  /** How long a pass stays valid unless released, ms. */
  readonly passTtlMs: number;
  /** How often the queue advances (expired passes out, waiting users in), ms. */
  readonly advanceMs: number;
}

/** Defaults of a queue created with `queue: {}`. */
export const QUEUE_DEFAULTS: QueueSettings = { capacity: 100, passTtlMs: 2_000, advanceMs: 250 };

/**
 * Test-only broken advancements, selected with `TARGET_QUEUE_FAULT` (the CLI never sets it):
 * `over-admit` admits above capacity, `skip-expiry` never removes expired passes, `lifo` admits
 * the newest first, `any-pass` lets a hold through with any pass token (another user's too).
 * `none` is the real one.
 */
export const QUEUE_FAULTS = ['none', 'over-admit', 'skip-expiry', 'lifo', 'any-pass'] as const;
/** One of QUEUE_FAULTS. */
export type QueueFault = (typeof QUEUE_FAULTS)[number];

/** Header carrying the pass token on a hold (the body field `queuePass` is accepted too). */
export const QUEUE_PASS_HEADER = 'Queue-Pass';

// Queue keys outlive their last change by this long, so abandoned schedules clean themselves up.
const KEEP_MS = 24 * 3_600_000;
// How long "this schedule has no queue" is believed before asking Redis again (another instance
// may have created it meanwhile).
const NEGATIVE_CACHE_MS = 1_000;

/** Where a user stands, as `GET …/queue/status` answers. */
export interface QueueStatus {
  readonly scheduleId: number;
  readonly userId: number;
  /** `waiting`, `admitted` (holds a valid pass), `done` (was admitted; pass used, left or expired), `absent`. */
  readonly state: 'waiting' | 'admitted' | 'done' | 'absent';
  /** 1-based place in line while waiting. */
  readonly position?: number;
  /** Users waiting in all. */
  readonly waiting: number;
  /**
   * Estimated wait while waiting, ms: position × the measured ms per admission (since the first
   * admission), or ⌈position / capacity⌉ advance intervals before enough admissions were seen.
   */
  readonly estimatedWaitMs?: number;
  /** The pass token once admitted. */
  readonly passToken?: string;
  /** When the pass expires, epoch ms (Redis clock). */
  readonly passExpiresAt?: number;
  /** The schedule's queue settings. */
  readonly settings: QueueSettings;
}

/** The result of entering. */
export interface EnterResult {
  /** True when the user joined now; false when already waiting (first place kept) or admitted. */
  readonly entered: boolean;
  readonly status: QueueStatus;
}

/** The queue operations of one service instance, over one namespace of keys. */
export class WaitingQueue {
  private readonly known = new Map<number, QueueSettings>();
  private readonly absentUntil = new Map<number, number>();

  /**
   * @param redis the service's client
   * @param namespace key namespace (`queueNamespaceFor(mysqlUrl)`)
   * @param fault test-only broken advancement (`none` in real use)
   */
  constructor(
    private readonly redis: Redis,
    readonly namespace: string,
    readonly fault: QueueFault = 'none',
  ) {}

  /** The keys of a schedule's queue. */
  keys(scheduleId: number): QueueKeys {
    return queueKeys(this.namespace, scheduleId);
  }

  /**
   * Gives a new schedule a queue with these settings and registers it for advancement. Keys left
   * under the same namespace and id by an earlier database of the same name (a test database
   * dropped and created again restarts its ids) are deleted first: the schedule is new.
   */
  async enable(scheduleId: number, settings: QueueSettings): Promise<void> {
    const k = this.keys(scheduleId);
    const stale: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${k.passPrefix}*`, 'COUNT', 1000);
      stale.push(...found);
      cursor = next;
    } while (cursor !== '0');
    await this.redis
      .multi()
      .del(k.waiting, k.passes, k.admitted, k.log, k.conf, ...stale)
      .hset(k.conf, { capacity: settings.capacity, passTtlMs: settings.passTtlMs, advanceMs: settings.advanceMs })
      .pexpire(k.conf, KEEP_MS)
      .sadd(queueRegistryKey(this.namespace), String(scheduleId))
      .exec();
    this.known.set(scheduleId, settings);
    this.absentUntil.delete(scheduleId);
  }

  /** The schedule's queue settings, or undefined when it has none (cached; see NEGATIVE_CACHE_MS). */
  async settingsOf(scheduleId: number): Promise<QueueSettings | undefined> {
    const cached = this.known.get(scheduleId);
    if (cached) return cached;
    if ((this.absentUntil.get(scheduleId) ?? 0) > Date.now()) return undefined;
    const [capacity, passTtlMs, advanceMs] = await this.redis.hmget(this.keys(scheduleId).conf, 'capacity', 'passTtlMs', 'advanceMs');
    if (capacity === null || passTtlMs === null || advanceMs === null) {
      if (this.absentUntil.size > 10_000) this.absentUntil.clear();
      this.absentUntil.set(scheduleId, Date.now() + NEGATIVE_CACHE_MS);
      return undefined;
    }
    const settings = { capacity: Number(capacity), passTtlMs: Number(passTtlMs), advanceMs: Number(advanceMs) };
    this.known.set(scheduleId, settings);
    return settings;
  }

  /** Whether any schedule of this namespace has a queue (so payments need to look for passes). */
  async anyQueue(): Promise<boolean> {
    return this.known.size > 0 || (await this.redis.scard(queueRegistryKey(this.namespace))) > 0;
  }

  /**
   * Enters the user into the schedule's line (ZADD NX: entering twice keeps the first place).
   * @throws HttpError 404 QUEUE_NOT_ENABLED (no queue), 409 ALREADY_ADMITTED (admitted before:
   *   a user is admitted at most once).
   */
  async enter(scheduleId: number, userId: number): Promise<EnterResult> {
    const settings = await this.require(scheduleId);
    const k = this.keys(scheduleId);
    const [code] = (await runScript(this.redis, ENTER, [k.waiting, k.conf, k.passes, k.admitted, k.log], [userId, KEEP_MS])) as [number, string];
    if (code === -1) throw notEnabled(scheduleId);
    if (code === 3) throw new HttpError(409, 'ALREADY_ADMITTED', `User ${userId} was already admitted for schedule ${scheduleId}; a user is admitted once.`);
    return { entered: code === 1, status: await this.status(scheduleId, userId, settings) };
  }

  /**
   * Where the user stands.
   * @throws HttpError 404 QUEUE_NOT_ENABLED.
   */
  async status(scheduleId: number, userId: number, known?: QueueSettings): Promise<QueueStatus> {
    const settings = known ?? (await this.require(scheduleId));
    const k = this.keys(scheduleId);
    const reply = (await runScript(this.redis, STATUS, [k.waiting, k.passes, k.conf, k.admitted], [userId, k.passPrefix])) as (string | number)[];
    if (reply[0] === 'none') throw notEnabled(scheduleId);
    const [state, position, token, expiry, waiting, , , admittedTotal, firstAdmitMs, nowMs] = reply;
    const base = { scheduleId, userId, state: state as QueueStatus['state'], waiting: Number(waiting), settings };
    if (state === 'waiting') {
      const pos = Number(position);
      const admitted = Number(admittedTotal);
      // Measured pace once at least one capacity's worth got in; the nominal one before.
      const estimatedWaitMs =
        admitted >= settings.capacity ? Math.round((pos * (Number(nowMs) - Number(firstAdmitMs))) / admitted) : Math.ceil(pos / settings.capacity) * settings.advanceMs;
      return { ...base, position: pos, estimatedWaitMs };
    }
    if (state === 'admitted') return { ...base, passToken: String(token), passExpiresAt: Number(expiry) };
    return base;
  }

  /**
   * Takes the user out of the line and gives back its pass, if any (`reason` is logged).
   * @returns whether the user left the line and whether a pass was released.
   */
  async release(scheduleId: number, userId: number, reason: 'paid' | 'left'): Promise<{ left: boolean; released: boolean }> {
    const k = this.keys(scheduleId);
    const [left, released] = (await runScript(this.redis, RELEASE, [k.waiting, k.passes, k.log], [userId, k.passPrefix, reason])) as [number, number];
    return { left: left === 1, released: released === 1 };
  }

  /**
   * Lets a hold through only with the user's valid pass when the schedule has a queue; does
   * nothing for schedules without one.
   * @param token the `Queue-Pass` header (or body field), undefined when absent
   * @throws HttpError 401 QUEUE_PASS_REQUIRED (no token), 403 QUEUE_PASS_INVALID (not this user's
   *   current pass: expired, released, never issued, or another user's).
   */
  async verifyPass(scheduleId: number, userId: number, token: string | undefined): Promise<void> {
    if (!(await this.settingsOf(scheduleId))) return;
    if (token === undefined || token === '') {
      throw new HttpError(401, 'QUEUE_PASS_REQUIRED', `Schedule ${scheduleId} has a waiting queue: send the pass token of user ${userId} in the ${QUEUE_PASS_HEADER} header.`);
    }
    // TEST ONLY: a gate that checks that a pass was sent, not whose it is.
    if (this.fault === 'any-pass') return;
    const stored = await this.redis.get(this.keys(scheduleId).passPrefix + String(userId));
    if (stored === null || !sameToken(stored, token)) {
      throw new HttpError(403, 'QUEUE_PASS_INVALID', `The queue pass is not valid for user ${userId} on schedule ${scheduleId}: it expired, was released, was never issued, or belongs to another user.`);
    }
  }

  /**
   * One advancement of a schedule's queue (see ADVANCE in scripts.ts); `advancer.ts` makes sure
   * one instance runs it per interval.
   * @param slot the advance slot claimed (⌊epoch ms / advanceMs⌋), recorded in the log
   * @returns what changed, or undefined when the schedule has no queue (any more).
   */
  async advance(scheduleId: number, slot = 0): Promise<{ expired: number; admitted: number; active: number; waiting: number } | undefined> {
    const k = this.keys(scheduleId);
    // A fresh 128-bit secret per advancement: tokens are sha1(seed:user), so unguessable.
    const seed = randomBytes(16).toString('hex');
    const reply = (await runScript(this.redis, ADVANCE, [k.waiting, k.passes, k.conf, k.admitted, k.log], [this.fault, k.passPrefix, seed, KEEP_MS, slot])) as number[];
    if (reply[0] === -1) {
      this.known.delete(scheduleId);
      return undefined;
    }
    return { expired: Number(reply[0]), admitted: Number(reply[1]), active: Number(reply[2]), waiting: Number(reply[3]) };
  }

  private async require(scheduleId: number): Promise<QueueSettings> {
    const settings = await this.settingsOf(scheduleId);
    if (!settings) throw notEnabled(scheduleId);
    return settings;
  }
}

function notEnabled(scheduleId: number): HttpError {
  return new HttpError(404, 'QUEUE_NOT_ENABLED', `Schedule ${scheduleId} has no waiting queue (create it with a queue: POST /admin/fixtures {"queue": {...}}).`);
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
