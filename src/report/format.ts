/**
 * Number, duration and small text-graphic formatting shared by the markdown report, the plain
 * printer (src/ui/plain.ts) and the Ink view (src/ui), so a figure reads the same everywhere.
 * Output never depends on the user's locale: reports are compared as text in tests and diffs.
 */
import type { ExecutorConfig } from '../engine/types.ts';
import type { Verdict } from '../checks/types.ts';
import type { ThresholdResult } from '../model/run-report.ts';

/** Shown in place of a number that is missing or not finite (NaN from an empty histogram). */
export const NOT_AVAILABLE = '-';

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Formats `n` with `decimals` fixed decimals and `,` thousands separators, e.g. `12,345.6`.
 * Returns `-` for NaN / Infinity.
 */
export function formatNumber(n: number, decimals = 0): string {
  if (!Number.isFinite(n)) return NOT_AVAILABLE;
  const fixed = Math.abs(n).toFixed(decimals);
  const [int = '0', frac] = fixed.split('.');
  // toFixed can round a tiny negative to "0.00"; do not print "-0.00".
  const sign = n < 0 && Number(fixed) !== 0 ? '-' : '';
  return sign + groupThousands(int) + (frac === undefined ? '' : `.${frac}`);
}

/** An integer count with thousands separators, e.g. `1,234`. */
export function formatCount(n: number): string {
  return formatNumber(Math.round(n), 0);
}

/**
 * A latency in milliseconds, without unit: 2 decimals under 10 ms (`1.23`), 1 decimal under
 * 1000 ms (`123.4`), whole milliseconds above (`1,234`). Sub-millisecond values keep 2 decimals
 * because on a local target most requests take well under a millisecond.
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return NOT_AVAILABLE;
  const abs = Math.abs(ms);
  return formatNumber(ms, abs < 10 ? 2 : abs < 1000 ? 1 : 0);
}

/** A latency with its unit, e.g. `12.3 ms`. */
export function formatMsUnit(ms: number): string {
  const text = formatMs(ms);
  return text === NOT_AVAILABLE ? text : `${text} ms`;
}

/** Requests per second, without unit: 1 decimal under 1000 (`57.4`), whole numbers above (`12,345`). */
export function formatTps(tps: number): string {
  if (!Number.isFinite(tps)) return NOT_AVAILABLE;
  return formatNumber(tps, Math.abs(tps) < 1000 ? 1 : 0);
}

/**
 * A wall-clock duration given in milliseconds: `850 ms`, `1.41 s`, `12.3 s`, `2m 05s`, `1h 02m 03s`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return NOT_AVAILABLE;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const pad = (v: number): string => String(v).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(s)}s` : `${m}m ${pad(s)}s`;
}

/** A fraction in [0, 1] as a whole percentage, e.g. `0.5` → `50%`; clamped to 0..100. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return NOT_AVAILABLE;
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/** Memory in GiB with one decimal, e.g. `7.8 GiB`. */
export function formatGiB(gib: number): string {
  return `${formatNumber(gib, 1)} GiB`;
}

/**
 * One line describing the executor, e.g. `shared-iterations, 80 VUs, 80 iterations (max 1m 00s)`,
 * `constant-vus, 80 VUs for 30.0 s`, `constant-arrival-rate, 200/s for 30.0 s (VUs 20 pre-allocated, max 100)`
 * or `ramping-arrival-rate, 0 → 100/s over 30.0 s → 500/s over 1m 00s (VUs 50 pre-allocated, max 500)`.
 */
export function formatExecutor(executor: ExecutorConfig): string {
  switch (executor.executor) {
    case 'shared-iterations':
      return `shared-iterations, ${formatCount(executor.vus)} VUs, ${formatCount(executor.iterations)} iterations (max ${formatDuration(executor.maxDurationMs)})`;
    case 'constant-vus':
      return `constant-vus, ${formatCount(executor.vus)} VUs for ${formatDuration(executor.durationMs)}`;
    case 'constant-arrival-rate':
      return (
        `constant-arrival-rate, ${formatAmount(executor.rate)}${formatPerUnit(executor.timeUnitMs)} ` +
        `for ${formatDuration(executor.durationMs)} (${formatVuLimits(executor)})`
      );
    case 'ramping-arrival-rate': {
      const unit = formatPerUnit(executor.timeUnitMs);
      const ramps = executor.stages.map((s) => ` → ${formatAmount(s.target)}${unit} over ${formatDuration(s.durationMs)}`).join('');
      return `ramping-arrival-rate, ${formatAmount(executor.startRate)}${ramps} (${formatVuLimits(executor)})`;
    }
  }
}

/** `/s`, `/min`, `/h` for those units, otherwise e.g. ` per 500 ms`. */
function formatPerUnit(timeUnitMs: number): string {
  if (timeUnitMs === 1000) return '/s';
  if (timeUnitMs === 60_000) return '/min';
  if (timeUnitMs === 3_600_000) return '/h';
  return ` per ${formatDuration(timeUnitMs)}`;
}

function formatVuLimits(executor: { readonly preAllocatedVUs: number; readonly maxVUs: number }): string {
  return `VUs ${formatCount(executor.preAllocatedVUs)} pre-allocated, max ${formatCount(executor.maxVUs)}`;
}

/** A verdict as printed in reports and terminals: `PASS`, `FAIL`, `UNKNOWN`. */
export function formatVerdict(verdict: Verdict): string {
  return verdict.toUpperCase();
}

/**
 * Tallies verdicts into one phrase, e.g. `4/4 checks passed` or `2/4 checks passed, 1 failed,
 * 1 unknown`; skipped checks (the profile gives no inputs for them) are counted apart; `no checks`
 * for an empty list.
 */
export function formatCheckTally(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return 'no checks';
  const count = (v: Verdict): number => verdicts.filter((x) => x === v).length;
  const parts = [`${count('pass')}/${verdicts.length} checks passed`];
  if (count('fail') > 0) parts.push(`${count('fail')} failed`);
  if (count('unknown') > 0) parts.push(`${count('unknown')} unknown`);
  if (count('skipped') > 0) parts.push(`${count('skipped')} skipped`);
  return parts.join(', ');
}

/**
 * A threshold's measured value in its unit: `52.3 ms`, `0.0125 (1.25%)` for a ratio, `1,234`
 * for a count, `456.7/s` for a rate per second; `no samples` for null (nothing was measured).
 */
export function formatThresholdValue(value: number | null, unit: ThresholdResult['unit']): string {
  if (value === null) return 'no samples';
  switch (unit) {
    case 'ms':
      return formatMsUnit(value);
    case 'ratio':
      return `${formatNumber(value, 4)} (${formatNumber(value * 100, 2)}%)`;
    case 'count':
      return formatAmount(value);
    case 'per-second':
      return `${formatTps(value)}/s`;
  }
}

/**
 * A threshold's condition with the limit as the user wrote it (never rounded: `< 0.001 ms` must
 * not read `< 0.00 ms`), e.g. `< 500 ms`, `< 0.01`, `== 0`, `> 100/s`.
 */
export function formatThresholdLimit(t: Pick<ThresholdResult, 'operator' | 'limit' | 'unit'>): string {
  const suffix = t.unit === 'ms' ? ' ms' : t.unit === 'per-second' ? '/s' : '';
  return `${t.operator} ${String(t.limit)}${suffix}`;
}

/** ` (stopped the load after 750 ms)` for an abortOnFail threshold that stopped the load, `''` otherwise. */
export function formatThresholdStop(t: Pick<ThresholdResult, 'breachedAtMs'>): string {
  return t.breachedAtMs !== undefined ? ` (stopped the load after ${formatDuration(t.breachedAtMs)})` : '';
}

/** Tallies threshold outcomes, e.g. `2/2 thresholds passed` or `1/2 thresholds passed`; `no thresholds` for none. */
export function formatThresholdTally(thresholds: readonly Pick<ThresholdResult, 'passed'>[]): string {
  if (thresholds.length === 0) return 'no thresholds';
  return `${thresholds.filter((t) => t.passed).length}/${thresholds.length} thresholds passed`;
}

/**
 * The check tally, and the threshold tally when the run had thresholds, e.g.
 * `5/5 checks passed · 1/2 thresholds passed`; a run without thresholds reads as before.
 */
export function formatRunTally(report: { readonly checks: readonly { readonly verdict: Verdict }[]; readonly thresholds: readonly Pick<ThresholdResult, 'passed'>[] }): string {
  const checks = formatCheckTally(report.checks.map((c) => c.verdict));
  return report.thresholds.length > 0 ? `${checks} · ${formatThresholdTally(report.thresholds)}` : checks;
}

const SPARK_BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * One block character per value, scaled from 0 (not from the minimum) to the maximum so that a
 * flat run does not look like a wild one, e.g. `[0, 5, 10]` → `▁▅█`. Empty input gives `''`.
 */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values.filter(Number.isFinite));
  return values
    .map((v) => {
      if (!Number.isFinite(v) || max === 0) return SPARK_BARS[0];
      const i = Math.round((Math.max(0, v) / max) * (SPARK_BARS.length - 1));
      return SPARK_BARS[i] ?? SPARK_BARS[0];
    })
    .join('');
}

/**
 * A text progress bar `width` characters wide for a fraction in [0, 1] (clamped),
 * e.g. `progressBar(0.5, 10)` → `█████░░░░░`.
 */
export function progressBar(fraction: number, width = 30): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/**
 * How far the load phase is, as a fraction in [0, 1], from iterations (shared-iterations) or
 * elapsed time (constant-vus); `undefined` when neither total is known.
 */
export function progressFraction(p: {
  readonly elapsedMs: number;
  readonly iterationsCompleted: number;
  readonly iterationsTotal?: number;
  readonly durationMs?: number;
}): number | undefined {
  if (p.iterationsTotal !== undefined && p.iterationsTotal > 0) {
    return Math.min(1, p.iterationsCompleted / p.iterationsTotal);
  }
  if (p.durationMs !== undefined && p.durationMs > 0) return Math.min(1, p.elapsedMs / p.durationMs);
  return undefined;
}

/** A scenario result value: integers with thousands separators, other numbers with 2 decimals. */
export function formatResult(value: number | string): string {
  return typeof value === 'number' ? formatAmount(value) : value;
}

/** An integer with thousands separators, any other number with 2 decimals, e.g. `1,234` or `12.50`. */
function formatAmount(value: number): string {
  return formatNumber(value, Number.isInteger(value) ? 0 : 2);
}
