/**
 * The recorded history of a run: every operation a VU performed, as Jepsen records it.
 * An operation is invoked, then completes as `ok` (it happened), `fail` (it definitely did not
 * happen) or `info` (unknown: a timeout or connection error may still have taken effect).
 * Checkers read only this and what they query from the datastores.
 * Source: Jepsen's history model (jepsen-io/jepsen, `jepsen.history`).
 *
 * Stored in columns, so that a million operations take tens of megabytes rather than an object
 * graph several times that size, and so that nothing recorded outlives the young generation of
 * the garbage collector (an object kept per operation is copied twice by it, then marked on
 * every major GC): typed arrays for times, VU, outcome and interned name, and what was asked and
 * answered split by key set into one column per key (FieldColumns). Checkers see `Op` objects,
 * built when they ask (`ops()`, `byF()`).
 */

import { NO_FIELDS, type OpFields, type OpOutcome } from './op-result.ts';

export { NO_FIELDS, type OpFields, type OpOutcome } from './op-result.ts';

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

const OUTCOMES: readonly OpOutcome[] = ['ok', 'fail', 'info'];
const OUTCOME_CODE: Readonly<Record<OpOutcome, number>> = { ok: 0, fail: 1, info: 2 };
const INITIAL_CAPACITY = 1024;

/** Append-only store of a run's operations. */
export class History {
  private size = 0;
  private capacity = INITIAL_CAPACITY;
  /** Invocation order; below 2^32 (a history that long would not fit in memory anyway). */
  private index = new Uint32Array(INITIAL_CAPACITY);
  private invokeUs = new Float64Array(INITIAL_CAPACITY);
  private completeUs = new Float64Array(INITIAL_CAPACITY);
  private vu = new Uint32Array(INITIAL_CAPACITY);
  /** Interned operation name (`names[fId]`) × 4 + outcome code, in one column. */
  private fType = new Uint32Array(INITIAL_CAPACITY);
  /** Handles into `values` / `results` (see FieldColumns.add). */
  private valueAt = new Float64Array(INITIAL_CAPACITY);
  private resultAt = new Float64Array(INITIAL_CAPACITY);
  private readonly values = new FieldColumns();
  private readonly results = new FieldColumns();
  /** Sparse: most operations carry no error. */
  private readonly errors = new Map<number, string>();
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  private lastName: string | undefined;
  private lastNameId = 0;
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
    // Operations come in runs of one name; the comparison of the same string literal is cheaper than a lookup.
    let fId = f === this.lastName ? this.lastNameId : this.nameIds.get(f);
    if (fId === undefined) {
      fId = this.names.length;
      this.names.push(f);
      this.nameIds.set(f, fId);
      this.tally.push(0, 0, 0);
    }
    this.lastName = f;
    this.lastNameId = fId;
    const outcome = OUTCOME_CODE[type];
    this.index[row] = index;
    this.vu[row] = vu;
    this.fType[row] = fId * 4 + outcome;
    this.invokeUs[row] = invokeUs;
    this.completeUs[row] = completeUs;
    this.valueAt[row] = this.values.add(value);
    this.resultAt[row] = this.results.add(result);
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

  /**
   * Operations named `f`, in completion order. Builds every operation's `Op` once (as `ops()`):
   * the checkers ask for several names, several times each, and rebuilding the objects at each call
   * cost more than keeping them (bench:checks, 2 million operations).
   */
  byF(f: string): Op[] {
    const fId = this.nameIds.get(f);
    if (fId === undefined) return [];
    const all = this.ops();
    const out: Op[] = [];
    for (let row = 0; row < this.size; row++) {
      if (this.fType[row]! >>> 2 === fId) out.push(all[row]!);
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
      value: this.values.get(this.valueAt[row]!),
      result: this.results.get(this.resultAt[row]!),
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
    this.valueAt = grown(this.valueAt, this.capacity);
    this.resultAt = grown(this.resultAt, this.capacity);
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

/** One key set of FieldColumns and a column per key, rows in order of addition. */
interface Shape {
  readonly id: number;
  readonly keys: readonly string[];
  readonly columns: OpFields[string][][];
  size: number;
}

/** Rows per shape a handle can address: handle = shape id × this + row (exact in a double). */
const SHAPE_STRIDE = 2 ** 32;
/** Shapes checked before a key set is looked up by name: a scenario alternates a few. */
const RECENT_SHAPES = 4;

/**
 * Field sets (`OpFields`) stored by key set: every set with the same keys in the same order
 * shares a shape, and each key of a shape is one column. Adding a set keeps its values, never
 * the object; `get` builds an equal object again.
 */
export class FieldColumns {
  private readonly shapes: Shape[] = [];
  private readonly byKeys = new Map<string, Shape>();
  private readonly recent: Shape[] = [];

  /** Stores the values of `fields`; returns the handle `get` takes. */
  add(fields: OpFields): number {
    let shape: Shape | undefined;
    for (let i = 0; i < this.recent.length; i++) {
      if (sameKeys(this.recent[i]!.keys, fields)) {
        shape = this.recent[i]!;
        break;
      }
    }
    if (!shape) {
      shape = this.shapeOf(Object.keys(fields));
      this.recent.unshift(shape);
      if (this.recent.length > RECENT_SHAPES) this.recent.pop();
    }
    const { keys, columns } = shape;
    for (let k = 0; k < keys.length; k++) columns[k]!.push(fields[keys[k]!] as OpFields[string]);
    return shape.id * SHAPE_STRIDE + shape.size++;
  }

  /** The field set stored under `handle`, as a new object (the shared empty one when it has no keys). */
  get(handle: number): OpFields {
    const shape = this.shapes[Math.floor(handle / SHAPE_STRIDE)]!;
    if (shape.keys.length === 0) return NO_FIELDS;
    const row = handle % SHAPE_STRIDE;
    const out: Record<string, OpFields[string]> = {};
    for (let k = 0; k < shape.keys.length; k++) out[shape.keys[k]!] = shape.columns[k]![row] as OpFields[string];
    return out;
  }

  private shapeOf(keys: string[]): Shape {
    // A key cannot contain a NUL in practice; it separates the names unambiguously.
    const name = keys.join('\0');
    let shape = this.byKeys.get(name);
    if (!shape) {
      shape = { id: this.shapes.length, keys, columns: keys.map(() => []), size: 0 };
      this.shapes.push(shape);
      this.byKeys.set(name, shape);
    }
    return shape;
  }
}

/** True when `fields` has exactly `keys`, in that order. */
function sameKeys(keys: readonly string[], fields: OpFields): boolean {
  let i = 0;
  for (const key in fields) {
    if (keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}

function grown<T extends Float64Array | Uint32Array>(column: T, capacity: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  next.set(column);
  return next;
}
