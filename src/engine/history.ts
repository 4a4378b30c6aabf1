/**
 * The recorded history of a run: every operation a VU performed, as Jepsen records it.
 * An operation is invoked, then completes as `ok` (it happened), `fail` (it definitely did not
 * happen) or `info` (unknown: a timeout or connection error may still have taken effect).
 * Checkers read only this and what they query from the datastores.
 * Source: Jepsen's history model (jepsen-io/jepsen, `jepsen.history`).
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

/** Append-only store of a run's operations. */
export class History {
  private readonly list: Op[] = [];
  private nextIndex = 0;

  /** Reserves the index of an operation at its invocation; completes with `complete`. */
  invoke(): number {
    return this.nextIndex++;
  }

  /** Records a completed operation. */
  complete(op: Op): void {
    this.list.push(op);
  }

  /** All operations, in completion order. */
  ops(): readonly Op[] {
    return this.list;
  }

  /** Operations named `f`. */
  byF(f: string): Op[] {
    return this.list.filter((op) => op.f === f);
  }

  /** Counts per operation name and outcome, e.g. `{ hold: { ok: 1, fail: 79, info: 0 } }`. */
  counts(): Record<string, Record<OpOutcome, number>> {
    const out: Record<string, Record<OpOutcome, number>> = {};
    for (const op of this.list) {
      const entry = (out[op.f] ??= { ok: 0, fail: 0, info: 0 });
      entry[op.type] += 1;
    }
    return out;
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
