// The threshold parser on hand-written expressions: every metric, aggregation and operator, and
// one sentence naming what is wrong for each kind of bad expression.
import { describe, expect, it } from 'vitest';
import { TicketbenchError } from '../../src/errors.ts';
import { parseThreshold, resolveThresholds, thresholdSelector } from '../../src/thresholds/parse.ts';

describe('parseThreshold', () => {
  it('parses a duration percentile with a tag', () => {
    expect(parseThreshold('http_req_duration{name:hold}:p(95)<50')).toEqual({
      expression: 'http_req_duration{name:hold}:p(95)<50',
      source: 'cli',
      metric: 'http_req_duration',
      tags: { name: 'hold' },
      aggregation: { kind: 'p', percentile: 95 },
      operator: '<',
      limit: 50,
      unit: 'ms',
      abortOnFail: false,
    });
  });

  it.each([
    ['http_req_duration:avg<200', 'http_req_duration', { kind: 'avg' }, 'ms'],
    ['http_req_duration:min<=1', 'http_req_duration', { kind: 'min' }, 'ms'],
    ['http_req_duration:max<5000', 'http_req_duration', { kind: 'max' }, 'ms'],
    ['http_req_duration:med<100', 'http_req_duration', { kind: 'med' }, 'ms'],
    ['http_req_duration:p(99.9)<800', 'http_req_duration', { kind: 'p', percentile: 99.9 }, 'ms'],
    ['http_req_duration:p(0)>=0', 'http_req_duration', { kind: 'p', percentile: 0 }, 'ms'],
    ['http_reqs:count>100', 'http_reqs', { kind: 'count' }, 'count'],
    ['http_reqs:rate>=50', 'http_reqs', { kind: 'rate' }, 'per-second'],
    ['http_req_failed:rate<0.01', 'http_req_failed', { kind: 'rate' }, 'ratio'],
    ['errors:rate==0', 'errors', { kind: 'rate' }, 'ratio'],
    ['iterations:count>10', 'iterations', { kind: 'count' }, 'count'],
    ['iterations:rate>1', 'iterations', { kind: 'rate' }, 'per-second'],
    ['dropped_iterations:count==0', 'dropped_iterations', { kind: 'count' }, 'count'],
    ['dropped_iterations:rate<1', 'dropped_iterations', { kind: 'rate' }, 'per-second'],
  ])('%s', (text, metric, aggregation, unit) => {
    const t = parseThreshold(text);
    expect(t.metric).toBe(metric);
    expect(t.aggregation).toEqual(aggregation);
    expect(t.unit).toBe(unit);
  });

  it.each([
    ['errors:rate<0.01', '<'],
    ['errors:rate<=0.01', '<='],
    ['http_reqs:count>5', '>'],
    ['http_reqs:count>=5', '>='],
    ['http_reqs:count==5', '=='],
    ['http_reqs:count!=5', '!='],
  ])('operator in %s', (text, op) => {
    expect(parseThreshold(text).operator).toBe(op);
  });

  it('takes spaces around the operator, numbers in exponent form, quoted tag values and :abortOnFail', () => {
    const t = parseThreshold('  http_reqs{status:"409"}:count  >=  1e2:abortOnFail ', 'scenario');
    expect(t).toMatchObject({ expression: 'http_reqs{status:"409"}:count  >=  1e2:abortOnFail', source: 'scenario', tags: { status: '409' }, operator: '>=', limit: 100, abortOnFail: true });
  });

  it('names what a threshold measures by its selector, tags sorted, without the condition', () => {
    expect(thresholdSelector(parseThreshold('http_req_duration{name:pay}:p(99)<5:abortOnFail'))).toBe('http_req_duration{name:pay}:p(99)');
    expect(thresholdSelector(parseThreshold('errors:rate<0.5'))).toBe('errors:rate');
  });

  it.each([
    ['', /--threshold "": is empty; write METRIC\{tag:value\}:AGGREGATION OP NUMBER/],
    ['<5', /must start with a metric name/],
    ['http_req_latency:p(95)<5', /unknown metric "http_req_latency"; known: http_req_duration, http_reqs, http_req_failed, errors, iterations, dropped_iterations\.$/],
    ['http_req_duration:p95<5', /write the percentile as p\(95\), not p95\.$/],
    ['http_req_duration:mean<5', /http_req_duration has no aggregation "mean"; it takes avg, min, max, med, p\(N\)\.$/],
    ['http_req_duration:count<5', /http_req_duration has no aggregation "count"/],
    ['errors:count<5', /errors has no aggregation "count"; it takes rate\./],
    ['http_reqs:p(95)<5', /http_reqs has no aggregation "p\(95\)"; it takes count, rate\./],
    ['http_req_duration:p(101)<5', /"p\(101\)" needs a percentile from 0 to 100/],
    ['http_req_duration:p(x)<5', /"p\(x\)" needs a percentile from 0 to 100/],
    ['http_req_duration:p(95<5', /"p\(" after http_req_duration: has no closing "\)"/],
    ['http_req_duration:p(95)', /missing comparison after p\(95\): add <, <=, >, >=, == or != and a number/],
    ['http_req_duration:p(95)=5', /"=5" after p\(95\) does not start with <, <=, >, >=, == or !=/],
    ['http_req_duration:p(95)<', /missing the number after "<"/],
    ['http_req_duration:p(95)<fast', /limit "fast" is not a number/],
    ['http_req_duration:p(95)<500ms', /limit "500ms" must be a plain number \(milliseconds\), without "ms"/],
    ['http_req_duration:p(95)<500:abortonfail', /unknown suffix ":abortonfail"; the only one is :abortOnFail/],
    ['http_req_duration<500', /missing ":AGGREGATION" after http_req_duration; it takes avg, min, max, med, p\(N\), e\.g\. http_req_duration:p\(95\)<500/],
    ['http_req_duration p(95)<500', /unexpected "p\(95\)<500" instead of ":AGGREGATION" after http_req_duration/],
    ['http_req_duration:<500', /missing aggregation after "http_req_duration:"/],
    ['errors{name:hold}:rate<0.01', /errors takes no tags; remove "\{name:hold\}"/],
    ['http_req_duration{name:hold:p(95)<5', /"\{" after http_req_duration has no closing "\}"/],
    ['http_req_duration{status:200}:p(95)<5', /http_req_duration has no tag "status"; its tags: name\./],
    ['http_req_duration{hold}:p(95)<5', /tag "hold" is not key:value, e\.g\. \{name:hold\}/],
    ['http_req_duration{name:}:p(95)<5', /tag "name:" is not key:value/],
    ['http_reqs{name:a,name:b}:count<5', /tag "name" is given twice/],
    ['http_reqs{name:hold,status:409}:count<5', /http_reqs takes one tag at a time \(name or status\)/],
    ['errors:rate<5', /a rate is a fraction from 0 to 1 \(0\.01 = 1%\), got 5/],
  ])('%j → one sentence', (text, pattern) => {
    let error: unknown;
    try {
      parseThreshold(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TicketbenchError);
    const e = error as TicketbenchError;
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.exitCode).toBe(2);
    expect(e.oneLine()).toMatch(pattern);
    expect(e.oneLine()).toMatch(/^--threshold ".*": [^\n]+\.$/);
  });
});

describe('resolveThresholds', () => {
  it('keeps scenario defaults first, replaced by a user threshold with the same selector', () => {
    const all = resolveThresholds('contention', ['errors:rate<0.01', 'http_req_duration:p(95)<1000'], ['errors:rate<0.05', 'http_reqs:count>1']);
    expect(all.map((t) => [t.expression, t.source])).toEqual([
      ['http_req_duration:p(95)<1000', 'scenario'],
      ['errors:rate<0.05', 'cli'],
      ['http_reqs:count>1', 'cli'],
    ]);
  });

  it('names the scenario when one of its defaults is bad', () => {
    expect(() => resolveThresholds('contention', ['errors:rate<2'], [])).toThrow(/^Scenario contention threshold "errors:rate<2": a rate is a fraction/);
  });
});
