// queue-ttl's pure parts: the share parser and the options it derives from the flags and the
// executor (defaults, validation with a sentence).
import { describe, expect, it } from 'vitest';
import { executorFromFlags } from '../../src/options/executor-flags.ts';
import { TicketbenchError } from '../../src/errors.ts';
import queueTtl, { QUEUE_TTL_DEFAULTS } from '../../scenarios/queue-ttl.ts';
import { parseShare } from '../../src/options/values.ts';

const settings = (flags: { vus?: number; iterations?: number; durationMs?: number } = {}) => ({ executor: executorFromFlags(flags, { vus: queueTtl.defaultVus }) });

describe('queue-ttl options', () => {
  it('parses shares as fractions or percentages within [0, 1]', () => {
    expect(parseShare('30%', '--abandon')).toBe(0.3);
    expect(parseShare('0.05', '--probes')).toBe(0.05);
    expect(parseShare('0', '--abandon')).toBe(0);
    expect(parseShare('100%', '--abandon')).toBe(1);
    for (const bad of ['1.5', '101%', '-1', 'half', '']) expect(() => parseShare(bad, '--abandon')).toThrow(TicketbenchError);
  });

  it('defaults to the issue: 2,000 users, capacity 100, 30% abandon, one shard per VU', () => {
    expect(queueTtl.options({}, settings())).toEqual({
      users: 2_000,
      capacity: 100,
      passTtlMs: 2_000,
      advanceMs: 250,
      abandon: 0.3,
      probes: 0.05,
      maxWaitMs: QUEUE_TTL_DEFAULTS.maxWaitMs,
      slackMs: 100,
      shards: 100,
    });
    expect(queueTtl.options({ users: 10_000, capacity: 50, passTtl: 1_000, advanceInterval: 100, abandon: 0.5 }, settings({ vus: 20 }))).toMatchObject({ users: 10_000, capacity: 50, passTtlMs: 1_000, advanceMs: 100, abandon: 0.5, shards: 20 });
  });

  it('refuses other executors, more iterations than users, and intervals too short', () => {
    expect(() => queueTtl.options({}, settings({ durationMs: 1_000 }))).toThrow(/use the shared-iterations executor/);
    expect(() => queueTtl.options({ users: 5 }, settings({ vus: 10 }))).toThrow(/--iterations 10 exceeds --users 5/);
    expect(() => queueTtl.options({ advanceInterval: 5 }, settings())).toThrow(/--advance-interval must be at least 10ms/);
    expect(() => queueTtl.options({ passTtl: 20 }, settings())).toThrow(/--pass-ttl must be at least 50ms/);
  });
});
