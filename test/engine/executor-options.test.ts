import { describe, expect, it } from 'vitest';
import { executorFromFlags, parseDuration, parsePositiveInt } from '../../src/engine/executor-options.ts';
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
