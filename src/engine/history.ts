/**
 * The recorded history of a run: every operation a VU performed, as Jepsen records it.
 * An operation is invoked, then completes as `ok` (it happened), `fail` (it definitely did not
 * happen) or `info` (unknown: a timeout or connection error may still have taken effect).
 * Checkers read only this and what they query from the datastores.
 * Source: Jepsen's history model (jepsen-io/jepsen, `jepsen.history`).
 *
 * Stored in columns (typed arrays for times, VU, outcome and interned name; arrays of references
 * for what was asked and answered), so that a million operations take tens of megabytes rather
 * than an object graph several times that size, and recording one allocates nothing. Checkers
 * see `Op` objects, built when they ask (`ops()`, `byF()`).
 */

/** How an operation completed. */
export type OpOutcome = 'ok' | 'fail' | 'info';

/** Plain JSON-able values carried by operations. */
export type OpFields = Readonly<Record<string, string | number | boolean | null>>;

/** One completed operation (an invoke paired with its completion). */
export interface Op {
  /** Position in invocation order, 0-based. */
  readonly index: number;
  /** The VU (process, in Jepsen's terms) that performed it, 1-based. */
  readonly vu: number;
  /** Operation name, e.g. `hold`, `pay`. */
  readonly f: string;
  readonly type: OpOutcome;
  /** What was asked, e.g. `{ scheduleId, seatNo, userId }`. */
  readonly value: OpFields;
  /** What the system answered when it answered, e.g. `{ reservationId }` or `{ status: 409, code }`. */
  readonly result: OpFields;
  /** For `info` (and some `fail`): a short description of the error. */
  readonly error?: string;
  /** Invocation and completion times, microseconds since the run started. */
  readonly invokeUs: number;
  readonly completeUs: number;
}

/** An operation as written by hand: index, times and result are optional. */
export type HandWrittenOp = Omit<Op, 'index' | 'invokeUs' | 'completeUs' | 'result'> & Partial<Pick<Op, 'index' | 'invokeUs' | 'completeUs' | 'result'>>;

/** The result of an operation that carried none; shared, so that a million of them cost nothing. */
export const NO_FIELDS: OpFields = Object.freeze({});

const OUTCOMES: readonly OpOutcome[] = ['ok', 'fail', 'info'];
const OUTCOME_CODE: Readonly<Record<OpOutcome, number>> = { ok: 0, fail: 1, info: 2 };
const INITIAL_CAPACITY = 1024;

/** Append-only store of a run's operations. */
export class History {
  private size = 0;
  private capacity = INITIAL_CAPACITY;
  private index = new Float64Array(INITIAL_CAPACITY);
  private invokeUs = new Float64Array(INITIAL_CAPACITY);
  private completeUs = new Float64Array(INITIAL_CAPACITY);
  private vu = new Uint32Array(INITIAL_CAPACITY);
  /** Interned operation name (`names[fId]`) × 4 + outcome code, in one column. */
  private fType = new Uint32Array(INITIAL_CAPACITY);
  private readonly values: OpFields[] = [];
  private readonly results: OpFields[] = [];
  /** Sparse: most operations carry no error. */
  private readonly errors = new Map<number, string>();
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** Operations per name and outcome (`fId * 3 + outcome`), kept as they are recorded. */
  private tally: number[] = [];
  /** `Op` objects built by `ops()` so far, reused by later calls. */
  private materialised: Op[] = [];
  private nextIndex = 0;

  /** Reserves the index of an operation at its invocation; completes with `record` or `complete`. */
  invoke(): number {
    return this.nextIndex++;
  }

  /**
   * Records a completed operation from its parts, without building an `Op` (the engine's path).
   * @param error undefined when the operation carried none
   */
  record(index: number, vu: number, f: string, type: OpOutcome, value: OpFields, result: OpFields, error: string | undefined, invokeUs: number, completeUs: number): void {
    if (this.size === this.capacity) this.grow();
    const row = this.size++;
    let fId = this.nameIds.get(f);
    if (fId === undefined) {
      fId = this.names.length;
      this.names.push(f);
      this.nameIds.set(f, fId);
      this.tally.push(0, 0, 0);
    }
    const outcome = OUTCOME_CODE[type];
    this.index[row] = index;
    this.vu[row] = vu;
    this.fType[row] = fId * 4 + outcome;
    this.invokeUs[row] = invokeUs;
    this.completeUs[row] = completeUs;
    this.values.push(value);
    // An empty answer is the common case; keeping the caller's `{}` would cost an object per op.
    this.results.push(result === NO_FIELDS || isEmpty(result) ? NO_FIELDS : result);
    if (error !== undefined) this.errors.set(row, error);
    this.tally[fId * 3 + outcome]! += 1;
  }

  /** Records a completed operation. */
  complete(op: Op): void {
    this.record(op.index, op.vu, op.f, op.type, op.value, op.result, op.error, op.invokeUs, op.completeUs);
  }

  /** Operations recorded so far. */
  get length(): number {
    return this.size;
  }

  /** All operations, in completion order. Built on first call; later calls add only what is new. */
  ops(): readonly Op[] {
    for (let row = this.materialised.length; row < this.size; row++) this.materialised.push(this.build(row));
    return this.materialised;
  }

  /** Operations named `f`, in completion order. */
  byF(f: string): Op[] {
    const fId = this.nameIds.get(f);
    if (fId === undefined) return [];
    const out: Op[] = [];
    for (let row = 0; row < this.size; row++) {
      if (this.fType[row]! >>> 2 === fId) out.push(this.materialised[row] ?? this.build(row));
    }
    return out;
  }

  /** Counts per operation name and outcome, e.g. `{ hold: { ok: 1, fail: 79, info: 0 } }`. */
  counts(): Record<string, Record<OpOutcome, number>> {
    const out: Record<string, Record<OpOutcome, number>> = {};
    this.names.forEach((f, fId) => {
      out[f] = { ok: this.tally[fId * 3]!, fail: this.tally[fId * 3 + 1]!, info: this.tally[fId * 3 + 2]! };
    });
    return out;
  }

  private build(row: number): Op {
    const code = this.fType[row]!;
    const error = this.errors.get(row);
    return {
      index: this.index[row]!,
      vu: this.vu[row]!,
      f: this.names[code >>> 2]!,
      type: OUTCOMES[code & 3]!,
      value: this.values[row]!,
      result: this.results[row]!,
      ...(error !== undefined ? { error } : {}),
      invokeUs: this.invokeUs[row]!,
      completeUs: this.completeUs[row]!,
    };
  }

  private grow(): void {
    this.capacity *= 2;
    this.index = grown(this.index, this.capacity);
    this.invokeUs = grown(this.invokeUs, this.capacity);
    this.completeUs = grown(this.completeUs, this.capacity);
    this.vu = grown(this.vu, this.capacity);
    this.fType = grown(this.fType, this.capacity);
  }

  /**
   * Builds a history from hand-written operations (tests, saved runs); missing indexes and times
   * are filled in order, a missing result is `{}`.
   */
  static of(ops: readonly HandWrittenOp[]): History {
    const history = new History();
    ops.forEach((op, i) => {
      history.complete({ index: i, invokeUs: i, completeUs: i + 1, result: {}, ...op });
      history.nextIndex = i + 1;
    });
    return history;
  }
}

function isEmpty(fields: OpFields): boolean {
  for (const _ in fields) return false;
  return true;
}

function grown<T extends Float64Array | Uint32Array>(column: T, capacity: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  next.set(column);
  return next;
}
