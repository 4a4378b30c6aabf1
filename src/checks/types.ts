/**
 * What a checker returns, and how verdicts combine.
 * A checker is a pure function of the history plus a snapshot read from the datastores; it says
 * `pass`, `fail`, or `unknown` when it could not decide (a store unreachable, a bounded wait ran out).
 * Source: Jepsen checkers (`jepsen.checker`: valid? true / false / :unknown, `compose`).
 */

// Check results are part of the run's report, declared once with their zod schemas in src/model.
import type { CheckResult, EvidenceRow, Verdict } from '../model/run-report.ts';
export type { CheckResult, EvidenceRow, Verdict } from '../model/run-report.ts';

/** How many offending rows a check keeps as evidence. */
export const MAX_EVIDENCE = 10;

/**
 * Combines verdicts: fail beats unknown beats pass; `skipped` checks (the profile gives no inputs
 * for them) do not count, unless `--require-check` turned them into failures first; no verdicts
 * is a pass.
 */
export function composeVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('unknown')) return 'unknown';
  return 'pass';
}
/**
 * Thrown by a checker whose inputs the profile does not give; runCheckers records `skipped` with
 * the message as the reason.
 */
export class CheckSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckSkipped';
  }
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
