// Exit codes of finished runs and comparisons, on hand-written outcomes: correctness (1) beats an
// abort (5), which beats a failed threshold (3).
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeName, TicketbenchError } from '../../src/errors.ts';
import { compareExitCode, outcomeWord, runExitCode, type RunOutcomeFields } from '../../src/model/exit-code.ts';
import type { ThresholdResult } from '../../src/model/run-report.ts';

const threshold = (passed: boolean): ThresholdResult => ({ expression: 'errors:rate<0.01', source: 'cli', actual: 0, passed, abortOnFail: false, operator: '<', limit: 0.01, unit: 'ratio' });
const run = (verdict: RunOutcomeFields['verdict'], thresholds: boolean[] = [], aborted?: string): RunOutcomeFields => ({
  verdict,
  thresholds: thresholds.map(threshold),
  ...(aborted ? { aborted: { reason: aborted } } : {}),
});

describe('runExitCode', () => {
  it.each([
    ['all passed', run('pass', [true]), 0, 'PASS'],
    ['no thresholds', run('pass'), 0, 'PASS'],
    ['a threshold failed', run('pass', [true, false]), 3, 'FAIL'],
    ['aborted', run('pass', [false], 'threshold x breached'), 5, 'ABORTED'],
    ['interrupted with every threshold held', run('pass', [true], 'interrupted'), 5, 'ABORTED'],
    ['a check failed', run('fail', [true]), 1, 'FAIL'],
    ['a check unknown', run('unknown'), 1, 'UNKNOWN'],
    ['a check and a threshold failed', run('fail', [false]), 1, 'FAIL'],
    ['a check failed in an aborted run', run('fail', [false], 'interrupted'), 1, 'FAIL'],
  ] as const)('%s → %i', (_, outcome, code, word) => {
    expect(runExitCode(outcome)).toBe(code);
    expect(outcomeWord(outcome)).toBe(word);
  });
});

describe('compareExitCode', () => {
  it('ignores an unsafe strategy failing its checks, not its thresholds', () => {
    expect(compareExitCode([{ safe: false, report: run('fail', [true]) }, { safe: true, report: run('pass', [true]) }], false)).toBe(0);
    expect(compareExitCode([{ safe: false, report: run('fail', [false]) }, { safe: true, report: run('pass', [true]) }], false)).toBe(3);
    expect(compareExitCode([{ safe: true, report: run('unknown', [false]) }], false)).toBe(1);
    expect(compareExitCode([{ safe: true, report: run('pass', [false]) }], true)).toBe(5);
    expect(compareExitCode([{ safe: true, report: run('pass', [true], 'threshold breached') }], false)).toBe(5);
  });
});

describe('named exit codes', () => {
  it('names every code and maps error codes to 2 (usage) or 4 (infrastructure, target)', () => {
    expect(Object.entries(ExitCode).filter(([k]) => k !== 'USAGE').map(([k, v]) => [exitCodeName(v), k])).toEqual(
      ['OK', 'CHECKS_FAILED', 'INVALID_CONFIG', 'THRESHOLDS_FAILED', 'INFRA_UNAVAILABLE', 'ABORTED', 'INTERNAL'].map((n) => [n, n]),
    );
    expect(exitCodeName(42)).toBe('UNKNOWN');
    expect(new TicketbenchError('INVALID_OPTION', 'x').exitCode).toBe(2);
    expect(new TicketbenchError('UNKNOWN_SCENARIO', 'x').exitCode).toBe(2);
    for (const code of ['INFRA_UNAVAILABLE', 'KAFKA_SETUP_FAILED', 'TARGET_START_FAILED', 'TARGET_BAD_RESPONSE', 'SETUP_FAILED'] as const) {
      expect(new TicketbenchError(code, 'x').exitCode).toBe(4);
    }
  });
});
