// The option layer: value kinds, declarations turned into commander options and parsed through
// them, every bad value one sentence naming the flag as its declaration spells it.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXECUTOR_OPTIONS } from '../../src/engine/executors/flags.ts';
import { TicketbenchError } from '../../src/errors.ts';
import { executorFlagsFromOpts } from '../../src/options/executor-flags.ts';
import { addDeclaredOptions, attributeOf, flagOf, option, parseDeclared } from '../../src/options/option.ts';
import { duration, nonNegativeInt, oneOf, percent, positiveInt, share, stages } from '../../src/options/values.ts';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TicketbenchError);
    expect((err as TicketbenchError).code).toBe('INVALID_OPTION');
    return (err as TicketbenchError).message;
  }
  throw new Error('expected a TicketbenchError');
}

describe('value kinds', () => {
  it('parse good values to typed ones', () => {
    expect(positiveInt({ max: 10 })('7', '--n')).toBe(7);
    expect(nonNegativeInt()('0', '--n')).toBe(0);
    expect(duration()('1m30s', '--d')).toBe(90_000);
    expect(duration()('500ms', '--d')).toBe(500);
    expect(share()('30%', '--s')).toBe(0.3);
    expect(share()('0.05', '--s')).toBe(0.05);
    expect(percent()('5', '--p')).toBe(5);
    expect(percent()('12.5%', '--p')).toBe(12.5);
    expect(oneOf(['uniform', 'hot'])('hot', '--pick')).toBe('hot');
    expect(stages()('30s:100,1m:0', '--stages')).toEqual([
      { durationMs: 30_000, target: 100 },
      { durationMs: 60_000, target: 0 },
    ]);
  });

  it.each([
    [() => positiveInt({ max: 10 })('11', '--seats'), '--seats must be an integer from 1 to 10, got "11".'],
    [() => nonNegativeInt()('-1', '--retries'), `--retries must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got "-1".`],
    [() => duration()('soon', '--pass-ttl'), '--pass-ttl "soon" is not a duration; use e.g. 30s, 2m, 1m30s or 500ms.'],
    [() => share()('120%', '--abandon'), '--abandon must be a share between 0 and 1 or 0% and 100%, e.g. 30%; got "120%".'],
    [() => percent()('101', '--write-share'), '--write-share must be a percentage from 0 to 100, got "101".'],
    [() => oneOf(['uniform', 'hot'])('cold', '--pick'), '--pick must be uniform or hot, got "cold".'],
    [() => oneOf(['a', 'b', 'c'])('d', '--x'), '--x must be a, b or c, got "d".'],
    [() => stages()('30s', '--stages'), '--stages stage 1 "30s" is not duration:target, e.g. 30s:100 (a duration above 0 and a whole target rate of 0 or more).'],
  ])('reject bad values with one sentence naming the flag (%#)', (fn, message) => {
    expect(messageOf(fn)).toBe(message);
  });
});

describe('declarations', () => {
  const seats = option({ flags: '--seats <n>', description: 'seats (default 1)', parse: positiveInt({ max: 100 }) });
  const writeShare = option({ flags: '--write-share <pct>', description: 'percent of writers', parse: percent() });

  it('give the flag and commander\'s attribute name from the one spelling', () => {
    expect(flagOf(writeShare)).toBe('--write-share');
    expect(attributeOf(writeShare)).toBe('writeShare');
    expect(flagOf(EXECUTOR_OPTIONS.preAllocatedVUs)).toBe('--pre-allocated-vus');
  });

  it('become commander options, and the texts commander collects parse through them', () => {
    const command = addDeclaredOptions(new Command().exitOverride(), [seats, writeShare]);
    command.parse(['--seats', '12', '--write-share', '5'], { from: 'user' });
    expect(parseDeclared({ seats, writeShare }, command.opts())).toEqual({ seats: 12, writeShare: 5 });
    // Not given: absent, so the code it configures applies its own default.
    expect(parseDeclared({ seats, writeShare }, {})).toEqual({});
  });

  it('name the flag as declared when a value is bad', () => {
    expect(messageOf(() => parseDeclared({ seats }, { seats: '0' }))).toBe('--seats must be an integer from 1 to 100, got "0".');
  });

  it('give the executor flags typed, under the ExecutorConfig field they set', () => {
    expect(executorFlagsFromOpts({ vus: '20', duration: '30s', timeUnit: '2s', preAllocatedVus: '5', stages: '10s:50' })).toEqual({
      vus: 20,
      durationMs: 30_000,
      timeUnitMs: 2_000,
      preAllocatedVUs: 5,
      stages: [{ durationMs: 10_000, target: 50 }],
    });
    expect(messageOf(() => executorFlagsFromOpts({ maxVus: '100000' }))).toBe('--max-vus must be an integer from 1 to 10000, got "100000".');
  });
});
