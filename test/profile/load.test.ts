// Loading and validating profiles: every format gets the same errors, with the field's path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TicketbenchError } from '../../src/errors.ts';
import { bundledTargetProfile } from '../../src/profile/default-profile.ts';
import { loadProfile } from '../../src/profile/load.ts';
import { cli } from '../helpers/cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tb-profile-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

const minimal = {
  name: 'mini',
  setup: { kind: 'http', path: '/fixtures', ok: { status: [201] }, capture: { scheduleId: 'id', seatNos: 'seats', userIds: 'users' } },
  operations: { hold: { method: 'POST', path: '/hold', ok: { status: [200] }, capture: { reservationId: 'id' } } },
};

describe('loadProfile', () => {
  it('loads the same profile from JSON, YAML and a TypeScript module', async () => {
    const json = await loadProfile(write('p.json', JSON.stringify(minimal)));
    const yaml = await loadProfile(write('p.yaml', `name: mini\nsetup:\n  kind: http\n  path: /fixtures\n  ok: { status: [201] }\n  capture: { scheduleId: id, seatNos: seats, userIds: users }\noperations:\n  hold: { method: POST, path: /hold, ok: { status: [200] }, capture: { reservationId: id } }\n`));
    const ts = await loadProfile(write('p.ts', `import { defineProfile } from '${path.resolve('src/profile/schema.ts')}';\nexport default defineProfile(${JSON.stringify(minimal)} as never);\n`));
    expect(yaml.profile).toEqual(json.profile);
    expect(ts.profile).toEqual(json.profile);
    // Defaults are filled in: no stores means every store check is skipped, not an error.
    expect(json.profile.stores).toEqual({});
  });

  it('names every invalid field by its path', async () => {
    const bad = { ...minimal, name: 'Bad Name', operations: { hold: { method: 'FETCH', path: 'hold', ok: {} } }, extra: 1 };
    const err = await loadProfile(write('bad.json', JSON.stringify(bad))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketbenchError);
    const e = err as TicketbenchError;
    expect(e.exitCode).toBe(2);
    expect(e.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: lower-case letters/),
        expect.stringMatching(/^operations\.hold\.method: /),
        expect.stringMatching(/^operations\.hold\.path: a path starting with \//),
        expect.stringMatching(/^operations\.hold\.ok: give status, json or both/),
        expect.stringMatching(/^\(profile\): Unrecognized key.*extra/),
      ]),
    );
  });

  it('a file that cannot be read or parsed is one clear error', async () => {
    await expect(loadProfile(path.join(dir, 'missing.json'))).rejects.toThrow(/Cannot load profile .*missing\.json/);
    await expect(loadProfile(write('broken.json', '{ nope'))).rejects.toThrow(/Cannot load profile .*broken\.json: .*JSON/);
    await expect(loadProfile(write('p.txt', 'x'))).rejects.toThrow(/a profile is a \.ts, \.js, \.mjs, \.json, \.yaml or \.yml file/);
    await expect(loadProfile(write('empty.mjs', 'export const x = 1;'))).rejects.toThrow(/exports nothing/);
  });

  it('the bundled target profile validates and declares every operation', () => {
    const { profile } = bundledTargetProfile();
    expect(profile.name).toBe('bundled');
    expect(Object.keys(profile.operations).sort()).toEqual(['balance', 'charge', 'concertList', 'hold', 'pay', 'queueEnter', 'queueLeave', 'queueStatus', 'scheduleList', 'seatMap']);
  });
});

describe('ticketbench run --profile', () => {
  it('an invalid profile exits 2 with one line per problem and no stack trace', async () => {
    const file = write('cli-bad.json', JSON.stringify({ ...minimal, operations: { hold: { method: 'POST', path: '/hold', ok: { status: [999] } } } }));
    const result = await cli(['run', 'contention', '--ci', '--no-infra', '--profile', file]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^ticketbench: Profile .*cli-bad\.json is not valid \(1 problem\):$/);
    expect(lines[1]).toMatch(/^ {2}operations\.hold\.ok\.status\.0: /);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a profile without an operation the scenario needs exits 2 naming it', async () => {
    const result = await cli(['run', 'contention', '--ci', '--no-infra', '--profile', write('no-pay.json', JSON.stringify(minimal))]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('ticketbench: Profile "mini" declares no operations.pay, which scenario contention needs.');
  });

  it('a scenario needing what the profile lacks, and bundled settings, are refused with another profile', async () => {
    const full = write('full.json', JSON.stringify({ ...minimal, operations: { ...minimal.operations, pay: minimal.operations.hold } }));
    const seatQuery = await cli(['run', 'seat-query', '--ci', '--no-infra', '--profile', full]);
    expect(seatQuery.code).toBe(2);
    expect(seatQuery.stderr.trim()).toBe('ticketbench: Profile "mini" declares no operations.seatMap, which scenario seat-query needs.');
    const queue = await cli(['run', 'queue-ttl', '--ci', '--no-infra', '--profile', full, '--target-url', 'http://127.0.0.1:9']);
    expect(queue.code).toBe(2);
    expect(queue.stderr.trim()).toBe('ticketbench: Profile "mini" declares no operations.queueEnter, operations.queueStatus, which scenario queue-ttl needs.');
    const strategy = await cli(['run', 'contention', '--ci', '--no-infra', '--profile', full, '--strategy', 'none']);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr.trim()).toBe('ticketbench: strategy configures the bundled target; profile "mini" describes another service.');
  });

  it('--require-check must name a check of the scenario', async () => {
    const result = await cli(['run', 'contention', '--ci', '--no-infra', '--require-check', 'kafka-event']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--require-check kafka-event: scenario contention has no such check; its checks: double-booking, hold-overlap/);
  });
});
