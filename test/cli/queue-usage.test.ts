// queue-ttl's own flags: bad input gets one clear line on stderr and exit code 2, never a run; the
// scenario is listed. Kept apart from usage.test.ts so each scenario's cases live with it.
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

describe('queue-ttl CLI usage', () => {
  it.each([
    [['run', 'queue-ttl', '--abandon', '150%'], /--abandon must be a share between 0 and 1 or 0% and 100%, e.g. 30%; got "150%"/],
    [['run', 'queue-ttl', '--probes', 'some'], /--probes must be a share/],
    [['run', 'queue-ttl', '--capacity', '0'], /--capacity must be an integer from 1/],
    [['run', 'queue-ttl', '--pass-ttl', 'long'], /--pass-ttl "long" is not a duration/],
    [['run', 'queue-ttl', '--pass-ttl', '10ms'], /--pass-ttl must be at least 50ms; got 10ms/],
    [['run', 'queue-ttl', '--advance-interval', '5ms'], /--advance-interval must be at least 10ms; got 5ms/],
    [['run', 'queue-ttl', '--users', '10', '--iterations', '20'], /--iterations 20 exceeds --users 10: each iteration serves a shard of the users/],
    [['run', 'queue-ttl', '--duration', '10s'], /queue-ttl runs every user to the end of its wait: use the shared-iterations executor \(--vus, --iterations\), not constant-vus/],
  ])('%j → exit 2 with one line', async (args, pattern) => {
    const result = await cli([...args, '--no-infra', '--ci']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists queue-ttl among the scenarios', async () => {
    const result = await cli(['scenarios']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/queue-ttl/);
  });
});
