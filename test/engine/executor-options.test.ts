import { describe, expect, it } from 'vitest';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { parseDuration, parseNonNegativeInt, parsePositiveInt, parseStages } from '../../src/options/values.ts';
import { TicketbenchError } from '../../src/errors.ts';

describe('parseDuration', () => {
  it('reads k6-style durations in milliseconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
  });

  it('rejects text that is not a duration with a sentence naming the flag', () => {
    for (const bad of ['', '30', 'abc', '10 s', '-5s', '0s', '5x']) {
      expect(() => parseDuration(bad, '--duration')).toThrowError(TicketbenchError);
    }
    expect(() => parseDuration('30', '--timeout')).toThrowError(/--timeout "30" is not a duration/);
  });
});

describe('parsePositiveInt', () => {
  it('accepts integers within range and rejects the rest', () => {
    expect(parsePositiveInt('80', '--vus', 100)).toBe(80);
    expect(() => parsePositiveInt('0', '--vus')).toThrowError(/--vus must be an integer from 1/);
    expect(() => parsePositiveInt('1.5', '--vus')).toThrowError(TicketbenchError);
    expect(() => parsePositiveInt('101', '--vus', 100)).toThrowError(/from 1 to 100/);
  });
});

describe('executorFromFlags', () => {
  it('defaults to shared-iterations with one iteration per VU', () => {
    expect(executorFromFlags({}, { vus: 80 })).toEqual({ executor: 'shared-iterations', vus: 80, iterations: 80, maxDurationMs: 600_000 });
  });
  it('selects constant-vus for a duration', () => {
    expect(executorFromFlags({ vus: 5, durationMs: 2000 }, { vus: 80 })).toEqual({ executor: 'constant-vus', vus: 5, durationMs: 2000 });
  });
  it('refuses iterations together with a duration', () => {
    expect(() => executorFromFlags({ iterations: 5, durationMs: 1000 }, { vus: 1 })).toThrowError(/not both/);
  });
});

describe('executorFromFlags: arrival-rate executors', () => {
  it('builds constant-arrival-rate with k6 defaults: timeUnit 1s, maxVUs = preAllocatedVUs = the scenario VUs', () => {
    expect(executorFromFlags({ executor: 'constant-arrival-rate', rate: 200, durationMs: 30_000 }, { vus: 80 })).toEqual({
      executor: 'constant-arrival-rate',
      rate: 200,
      timeUnitMs: 1000,
      durationMs: 30_000,
      preAllocatedVUs: 80,
      maxVUs: 80,
    });
    expect(
      executorFromFlags({ executor: 'constant-arrival-rate', rate: 5, timeUnitMs: 60_000, durationMs: 1000, preAllocatedVUs: 10, maxVUs: 100 }, { vus: 80 }),
    ).toMatchObject({ timeUnitMs: 60_000, preAllocatedVUs: 10, maxVUs: 100 });
    // A --max-vus below the scenario default caps the pre-allocated VUs rather than failing.
    expect(executorFromFlags({ executor: 'constant-arrival-rate', rate: 5, durationMs: 1000, maxVUs: 20 }, { vus: 80 })).toMatchObject({ preAllocatedVUs: 20, maxVUs: 20 });
  });

  it('builds ramping-arrival-rate from parsed stages, start rate 0 by default', () => {
    const stages = parseStages('30s:100,1m:500,30s:0');
    expect(stages).toEqual([
      { durationMs: 30_000, target: 100 },
      { durationMs: 60_000, target: 500 },
      { durationMs: 30_000, target: 0 },
    ]);
    expect(executorFromFlags({ executor: 'ramping-arrival-rate', stages, preAllocatedVUs: 50, maxVUs: 500 }, { vus: 80 })).toEqual({
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnitMs: 1000,
      stages,
      preAllocatedVUs: 50,
      maxVUs: 500,
    });
  });

  it('keeps deriving the closed-model executors when --executor is not given, and honours it when given', () => {
    expect(executorFromFlags({ durationMs: 1000 }, { vus: 3 })).toEqual({ executor: 'constant-vus', vus: 3, durationMs: 1000 });
    expect(executorFromFlags({ executor: 'shared-iterations', iterations: 7 }, { vus: 3 })).toMatchObject({ executor: 'shared-iterations', iterations: 7 });
    expect(executorFromFlags({ executor: 'constant-vus', durationMs: 500 }, { vus: 3 })).toEqual({ executor: 'constant-vus', vus: 3, durationMs: 500 });
  });

  it.each([
    [{ executor: 'ramping-vus' }, /--executor "ramping-vus" is not an executor; use one of shared-iterations, constant-vus, constant-arrival-rate, ramping-arrival-rate/],
    [{ rate: 10 }, /--rate applies only to the arrival-rate executors; add --executor constant-arrival-rate/],
    [{ maxVUs: 10, stages: [{ durationMs: 1, target: 1 }] }, /--max-vus and --stages apply only to the arrival-rate executors/],
    [{ executor: 'constant-vus', iterations: 5, durationMs: 1000 }, /not both/],
    [{ executor: 'constant-vus' }, /constant-vus needs --duration/],
    [{ executor: 'shared-iterations', durationMs: 1000 }, /--duration does not apply to shared-iterations/],
    [{ executor: 'constant-arrival-rate', rate: 10, durationMs: 1000, iterations: 5 }, /--iterations does not apply to constant-arrival-rate/],
    [{ executor: 'constant-arrival-rate', rate: 10, durationMs: 1000, vus: 5 }, /--vus does not apply to constant-arrival-rate; give --pre-allocated-vus and --max-vus/],
    [{ executor: 'constant-arrival-rate', durationMs: 1000 }, /constant-arrival-rate needs --rate/],
    [{ executor: 'constant-arrival-rate', rate: 10 }, /constant-arrival-rate needs --duration/],
    [{ executor: 'constant-arrival-rate', rate: 10, durationMs: 1000, stages: [{ durationMs: 1000, target: 5 }] }, /--stages belongs to ramping-arrival-rate/],
    [{ executor: 'constant-arrival-rate', rate: 10, durationMs: 1000, preAllocatedVUs: 20, maxVUs: 10 }, /--max-vus 10 is below --pre-allocated-vus 20/],
    [{ executor: 'ramping-arrival-rate' }, /ramping-arrival-rate needs --stages, e\.g\. --stages 30s:100,1m:500,30s:0/],
    [{ executor: 'ramping-arrival-rate', rate: 5, stages: [{ durationMs: 1000, target: 5 }] }, /--rate belongs to constant-arrival-rate/],
    [{ executor: 'ramping-arrival-rate', durationMs: 1000, stages: [{ durationMs: 1000, target: 5 }] }, /--duration does not apply to ramping-arrival-rate/],
    [{ executor: 'ramping-arrival-rate', stages: [{ durationMs: 1000, target: 0 }] }, /no iteration would ever start/],
  ])('%j is refused with one sentence', (flags, pattern) => {
    expect(() => executorFromFlags(flags, { vus: 80 })).toThrowError(pattern);
  });

  it('parseStages names the bad stage', () => {
    for (const bad of ['', '30s', '30s:', ':100', '30s:-1', '30s:1.5', 'forever:10', '0s:10', '30s:100,,1m:5']) {
      expect(() => parseStages(bad)).toThrowError(TicketbenchError);
    }
    expect(() => parseStages('30s:100,1m-500')).toThrowError(/--stages stage 2 "1m-500" is not duration:target, e\.g\. 30s:100/);
  });

  it('parseNonNegativeInt accepts 0', () => {
    expect(parseNonNegativeInt('0', '--start-rate')).toBe(0);
    expect(() => parseNonNegativeInt('-1', '--start-rate')).toThrowError(/--start-rate must be an integer from 0/);
  });
});
