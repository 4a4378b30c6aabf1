/**
 * What a checker returns, and how verdicts combine.
 * A checker is a pure function of the history plus a snapshot read from the datastores; it says
 * `pass`, `fail`, or `unknown` when it could not decide (a store unreachable, a bounded wait ran out).
 * Source: Jepsen checkers (`jepsen.checker`: valid? true / false / :unknown, `compose`).
 */

export type Verdict = 'pass' | 'fail' | 'unknown';

/** One evidence row: a flat record, printed as a table row. */
export type EvidenceRow = Readonly<Record<string, string | number | boolean | null>>;

/** The outcome of one check. */
export interface CheckResult {
  /** Stable id, e.g. `mysql-integrity`. */
  readonly id: string;
  /** Human title, e.g. `No double booking in MySQL`. */
  readonly title: string;
  readonly verdict: Verdict;
  /** One line saying what was found. */
  readonly summary: string;
  /** Named counts, e.g. `{ seats: 1, confirmed: 1, doubleBooked: 0 }`. */
  readonly counts: Readonly<Record<string, number>>;
  /** The first few offending rows (at most `MAX_EVIDENCE`). */
  readonly evidence: readonly EvidenceRow[];
  /** How many offending rows there were in all. */
  readonly evidenceTotal: number;
}

/** How many offending rows a check keeps as evidence. */
export const MAX_EVIDENCE = 10;

/** Combines verdicts: fail beats unknown beats pass; no verdicts is a pass. */
export function composeVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('unknown')) return 'unknown';
  return 'pass';
}

/**
 * Builds a result from a list of offending rows: `fail` when there are any, else `pass`.
 * Keeps the first `MAX_EVIDENCE` rows as evidence.
 */
export function resultFromViolations(
  base: { id: string; title: string; counts: Record<string, number> },
  violations: readonly EvidenceRow[],
  passSummary: string,
  failSummary: (n: number) => string,
): CheckResult {
  const failed = violations.length > 0;
  return {
    ...base,
    verdict: failed ? 'fail' : 'pass',
    summary: failed ? failSummary(violations.length) : passSummary,
    evidence: violations.slice(0, MAX_EVIDENCE),
    evidenceTotal: violations.length,
  };
}
