import { describe, expect, it } from 'vitest';
import { targetTimesFromFlags } from '../../src/cli/run-flags.ts';
import { targetFromFlags } from '../../src/cli/target-flags.ts';
import { TicketbenchError } from '../../src/errors.ts';

describe('targetFromFlags', () => {
  it('gives the bundled target\'s settings as run options, and nothing when no flag is given', () => {
    expect(targetFromFlags({})).toEqual({});
    expect(targetFromFlags({ strategy: 'none', walletStrategy: 'optimistic', cache: 'on' })).toEqual({ strategy: 'none', walletStrategy: 'optimistic', cache: 'on' });
    expect(targetFromFlags({ targetUrl: 'http://127.0.0.1:8080' })).toEqual({ targetUrl: 'http://127.0.0.1:8080' });
    // The target's times go with either: set on the bundled target, assumed of another.
    expect(targetTimesFromFlags({ holdTtl: '3s', lockTtl: '500ms' })).toEqual({ holdTtlMs: 3000, lockTtlMs: 500 });
    expect(targetFromFlags({ targetUrl: 'http://127.0.0.1:8080', holdTtl: '10m' })).toEqual({ targetUrl: 'http://127.0.0.1:8080' });
    expect(targetTimesFromFlags({ targetUrl: 'http://127.0.0.1:8080', holdTtl: '10m' })).toEqual({ holdTtlMs: 600_000 });
  });

  it.each([
    [{ targetUrl: 'http://127.0.0.1:8080', strategy: 'none' }, /^--strategy selects the bundled target's strategy; it cannot be combined with --target-url\.$/],
    [{ targetUrl: 'http://127.0.0.1:8080', walletStrategy: 'none' }, /^--wallet-strategy selects the bundled target's wallet strategy; it cannot be combined with --target-url\.$/],
    [{ targetUrl: 'http://127.0.0.1:8080', cache: 'on' }, /^--cache sets the bundled target's read cache; it cannot be combined with --target-url\.$/],
    [{ targetUrl: 'ftp://x' }, /^--target-url "ftp:\/\/x" is not an http\(s\) URL/],
    [{ strategy: 'bogus' }, /^Unknown --strategy "bogus"/],
    [{ cache: 'maybe' }, /^Unknown --cache "maybe"/],
    [{ holdTtl: 'soon' }, /^--hold-ttl "soon" is not a duration/],
    [{ lockTtl: '0s' }, /^--lock-ttl must be longer than 0/],
  ])('%j is one sentence naming the flag (INVALID_OPTION)', (opts, message) => {
    let error: unknown;
    try {
      targetFromFlags(opts);
      targetTimesFromFlags(opts);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TicketbenchError);
    expect((error as TicketbenchError).code).toBe('INVALID_OPTION');
    expect((error as TicketbenchError).message).toMatch(message);
  });
});
