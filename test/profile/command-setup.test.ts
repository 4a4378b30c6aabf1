// Setup by a command of the user's: the bundled target's profile with its fixture created by a
// script (as a service's own seeding tool would), read from the script's JSON on stdout.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tb-command-setup-'));
writeFileSync(
  path.join(dir, 'seed.mjs'),
  `const env = process.env;
if (env.SEED_FAIL) { console.error('seed: cannot reach the admin API'); process.exit(3); }
const res = await fetch(env.TICKETBENCH_TARGET_URL + '/admin/fixtures', { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ seats: Number(env.TICKETBENCH_SEATS), users: Number(env.TICKETBENCH_USERS), name: env.TICKETBENCH_NAME }) });
const body = await res.json();
process.stdout.write(JSON.stringify({ created: { schedule: body.scheduleId, seats: body.seatNos, users: body.userIds } }));
`,
);
const profileFile = path.join(dir, 'by-command.ts');
writeFileSync(
  profileFile,
  `import bundled from '${path.resolve('profiles/bundled.ts')}';
export default { ...bundled, name: 'by-command', setup: { kind: 'command', command: ['node', 'seed.mjs'], capture: { scheduleId: 'created.schedule', seatNos: 'created.seats', userIds: 'created.users' } } };
`,
);

describe('setup by a command', () => {
  it('creates the run data with the script and the run passes', async () => {
    const result = await cli(['run', 'contention', '--ci', '--vus', '20', '--profile', profileFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/contention \(profile by-command\)/);
    expect(result.stdout).toMatch(/PASS: 6\/6 checks passed/);
  }, 120_000);

  it('a command that fails stops the run at setup with exit 4 and its last error line', async () => {
    process.env['SEED_FAIL'] = '1';
    try {
      const result = await cli(['run', 'contention', '--ci', '--vus', '20', '--profile', profileFile]);
      expect(result.code).toBe(4);
      expect(result.stderr.trim()).toBe('ticketbench: The setup command `node seed.mjs` failed (exit 3): seed: cannot reach the admin API.');
    } finally {
      delete process.env['SEED_FAIL'];
    }
  }, 120_000);
});
