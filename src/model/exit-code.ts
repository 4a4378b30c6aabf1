/**
 * The exit code a finished run or comparison gives. Correctness (checks) and speed (thresholds)
 * are judged separately and both decide it; correctness wins, as the README's exit code table
 * says. Named after k6's errext/exitcodes (ThresholdsHaveFailed, ExternalAbort).
 */
import { ExitCode } from '../errors.ts';
import type { RunReport } from './run-report.ts';

/** What a run's exit code depends on. */
export type RunOutcomeFields = Pick<RunReport, 'verdict' | 'thresholds' | 'aborted'>;

/**
 * 1 when a check failed or was unknown (even if the run was also aborted or a threshold failed:
 * a double booking matters more than a slow p95), else 5 when the load was stopped early
 * (abortOnFail or Ctrl-C), else 3 when a threshold failed, else 0.
 */
export function runExitCode(report: RunOutcomeFields): ExitCode {
  if (report.verdict !== 'pass') return ExitCode.CHECKS_FAILED;
  if (report.aborted) return ExitCode.ABORTED;
  if (report.thresholds.some((t) => !t.passed)) return ExitCode.THRESHOLDS_FAILED;
  return ExitCode.OK;
}

/**
 * A comparison's exit code: 1 when a strategy declared safe did not pass a check (an unsafe
 * strategy failing its checks is the expected outcome), else 5 when it was interrupted or a run
 * was aborted, else 3 when a threshold failed in any run (unsafe strategies included: speed is
 * judged alike for all), else 0.
 * @param runs every run made, with whether its strategy is declared safe
 */
export function compareExitCode(runs: readonly { readonly safe: boolean; readonly report: RunOutcomeFields }[], interrupted: boolean): ExitCode {
  if (runs.some((r) => r.safe && r.report.verdict !== 'pass')) return ExitCode.CHECKS_FAILED;
  if (interrupted || runs.some((r) => r.report.aborted)) return ExitCode.ABORTED;
  if (runs.some((r) => r.report.thresholds.some((t) => !t.passed))) return ExitCode.THRESHOLDS_FAILED;
  return ExitCode.OK;
}

/**
 * The one word a person reads first: the checks' verdict (`FAIL`, `UNKNOWN`) when they did not
 * pass, else `ABORTED` when the load was stopped early, `FAIL` when a threshold failed, `PASS`.
 */
export function outcomeWord(report: RunOutcomeFields): 'PASS' | 'FAIL' | 'UNKNOWN' | 'ABORTED' {
  if (report.verdict !== 'pass') return report.verdict === 'fail' ? 'FAIL' : 'UNKNOWN';
  if (report.aborted) return 'ABORTED';
  return report.thresholds.some((t) => !t.passed) ? 'FAIL' : 'PASS';
}
