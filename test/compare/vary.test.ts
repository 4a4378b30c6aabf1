// `compare --vary KEY=v1,v2`: parsing, validation against the bundled target's settings, the run
// option each value sets, `--strategies` as the `strategy` (or `wallet-strategy`) case, and the
// CLI's one-line errors (exit 2) before any server starts.
import { describe, expect, it } from 'vitest';
import { planComparison } from '../../src/compare/run-compare.ts';
import { buildCompareTable, compareCells, rowNoun } from '../../src/report/compare-table.ts';
import { fixedRunOptions, parseVary, runOptionOf, varyKeyOfKind } from '../../src/compare/vary.ts';
import { cli } from '../helpers/cli.ts';
import { sampleRunReport } from '../fixtures/run-report.ts';

describe('parseVary', () => {
  it('splits KEY=v1,v2 and trims values', () => {
    expect(parseVary('cache=off, on')).toEqual({ key: 'cache', values: ['off', 'on'] });
    expect(parseVary('strategy=none,redis-lock')).toEqual({ key: 'strategy', values: ['none', 'redis-lock'] });
    expect(parseVary('cache=')).toEqual({ key: 'cache', values: [] });
  });

  it('rejects a missing = and an unknown key with a sentence', () => {
    expect(() => parseVary('cache')).toThrow(/--vary needs KEY=v1,v2 \(e.g. --vary cache=off,on\), got "cache"/);
    expect(() => parseVary('colour=red')).toThrow(/Unknown --vary key "colour"; the bundled target can vary: strategy, wallet-strategy, cache/);
  });

  it('maps each key to its run option and --strategies to its key', () => {
    expect(runOptionOf('cache', 'on')).toEqual({ cache: 'on' });
    expect(runOptionOf('strategy', 'none')).toEqual({ strategy: 'none' });
    expect(runOptionOf('wallet-strategy', 'optimistic')).toEqual({ walletStrategy: 'optimistic' });
    expect([varyKeyOfKind('hold'), varyKeyOfKind('wallet'), varyKeyOfKind('cache')]).toEqual(['strategy', 'wallet-strategy', 'cache']);
  });
});

describe('fixedRunOptions', () => {
  it('turns the settings held fixed into run options and refuses to fix the varied key', () => {
    expect(fixedRunOptions({ cache: 'on', 'wallet-strategy': 'optimistic' }, 'strategy')).toEqual({ cache: 'on', walletStrategy: 'optimistic' });
    expect(fixedRunOptions({}, 'cache')).toEqual({});
    expect(() => fixedRunOptions({ cache: 'on' }, 'cache')).toThrow(/--cache fixes the setting this comparison varies \(--vary cache=…\): give one of them/);
    expect(() => fixedRunOptions({ strategy: 'bogus' }, 'cache')).toThrow(/Unknown --strategy "bogus"/);
  });
});

describe('planComparison with --vary', () => {
  it('plans cache=off,on and rejects an unknown value naming the flag', () => {
    expect(planComparison(['off', 'on'], 1, undefined, 'cache', '--vary cache').labels).toEqual(['off', 'on']);
    expect(() => planComparison(['off', 'fast'], 1, undefined, 'cache', '--vary cache')).toThrow(/Unknown cache "fast" in --vary cache; the bundled target has: off, on/);
    expect(() => planComparison([], 1, undefined, 'cache', '--vary cache')).toThrow(/--vary cache needs at least one value, e.g. --vary cache=off,on/);
  });
});

describe('the table of a --vary cache comparison', () => {
  it('names the varied setting in the first column and adds DB queries per request when observed', () => {
    const observed = (questions: number, selects: number) => ({
      mysql: { Questions: questions, Com_select: selects },
      target: { 'db_statements_total{command="execute"}': questions * 0.5, 'db_statements_total{command="query"}': questions * 0.25 },
      perReservation: {},
      notes: [],
    });
    const base = sampleRunReport();
    const off = { ...base, observed: observed(base.load.requests * 3, base.load.requests * 2) };
    const on = { ...base, observed: observed(base.load.requests * 0.5, base.load.requests * 0.25) };
    const table = buildCompareTable(
      [
        { label: 'off', strategy: 'off', round: 1, safe: true, report: off },
        { label: 'on', strategy: 'on', round: 1, safe: true, report: on },
      ],
      { scenario: 'seat-query', labels: ['off', 'on'], repeat: 1, varied: 'cache' },
    );
    const cells = compareCells(table, (t) => `${t}*`);
    expect(cells.head[0]).toBe('cache');
    expect(cells.head.slice(-4)).toEqual(['DB q/req', 'selects/req', 'target stmts/req', 'checks']);
    expect(cells.rows[0]!.slice(-4, -1)).toEqual(['3.00', '2.00', '2.25']);
    expect(cells.rows[1]!.slice(-4, -1)).toEqual(['0.50* -83%', '0.25* -88%', '0.38* -83%']);
    // The verdict speaks of settings, not strategies, when a setting is varied.
    expect(rowNoun(table)).toBe('cache setting');
    expect([rowNoun({}), rowNoun({ varied: 'strategy' }), rowNoun({ varied: 'wallet-strategy' })]).toEqual(['strategy', 'strategy', 'strategy']);
  });
});

describe('ticketbench compare --vary usage errors', () => {
  it.each([
    [['compare', 'seat-query', '--vary', 'colour=red'], /Unknown --vary key "colour"/],
    [['compare', 'seat-query', '--vary', 'cache=off,fast'], /Unknown cache "fast" in --vary cache; the bundled target has: off, on/],
    [['compare', 'seat-query', '--vary', 'cache=off,on', '--strategies', 'none'], /give one of them, not both/],
    [['run', 'seat-query', '--cache', 'maybe'], /Unknown --cache "maybe"; use off or on/],
    [['compare', 'seat-query', '--vary', 'cache=off,on', '--cache', 'on'], /--cache fixes the setting this comparison varies \(--vary cache=…\)/],
    [['compare', 'contention', '--strategies', 'none,redis-lock', '--strategy', 'none'], /--strategy fixes the setting this comparison varies \(--vary strategy=…\)/],
    [['compare', 'contention', '--strategies', 'none,redis-lock', '--cache', 'maybe'], /Unknown --cache "maybe"; use off or on/],
    [['run', 'seat-query', '--write-share', '101'], /--write-share must be a percentage from 0 to 100, got "101"/],
  ])('%j → exit 2 with one line', async (args, pattern) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  });
});
