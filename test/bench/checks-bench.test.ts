// `npm run bench:checks` at a small size, against the real MariaDB/MySQL, Redis and Kafka: the
// seeded sales pass every checker it times, and once the data is broken the benchmark says which
// checkers fail and exits 1 (a benchmark whose checks cannot fail would time nothing worth timing).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const ROOT_URL = process.env.TEST_MYSQL_ROOT_URL ?? 'mysql://root@127.0.0.1:3306';
const DB = `ticketbench_bench_checks_${createHash('sha1').update(REPO).digest('hex').slice(0, 6)}`;
const out = mkdtempSync(join(tmpdir(), 'bench-checks-'));

/** Runs the benchmark to its end (asynchronously: the test worker must keep answering vitest). */
const bench = (): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(REPO, 'bench/checks/run.ts'), '--confirmed', '3000', '--database', DB, '--out', out, '--per-checker', '0'], { cwd: REPO, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });

/** `| checker | verdict |` rows of the printed table. */
const verdicts = (stdout: string): Record<string, string> =>
  Object.fromEntries([...stdout.matchAll(/^\| ([a-z-]+) \(in the process below\) \| (pass|fail|unknown|skipped) \|/gm)].map((m) => [m[1]!, m[2]!]));

afterAll(async () => {
  const conn = await mysql.createConnection({ uri: ROOT_URL });
  await conn.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await conn.end();
});

describe('npm run bench:checks', () => {
  it('times every checker over seeded sales, all passing, and exits 1 naming the checkers a broken sale fails', async () => {
    const run = await bench();
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const passed = verdicts(run.stdout);
    expect(Object.keys(passed).sort()).toEqual(['double-booking', 'expiry-on-time', 'history-vs-mysql', 'hold-overlap', 'kafka-events', 'no-pay-after-expiry', 'orphan-locks', 'paid-never-expired', 'sell-out']);
    expect(Object.values(passed).every((v) => v === 'pass')).toBe(true);
    expect(run.stdout).toMatch(/all 9 in one process, as a run does\*\* \| pass \|/);
    expect(run.stdout).toMatch(/saved .*bench-checks-.*\.md/);

    // A confirmed sale loses its payment row: the database no longer matches the history.
    const conn = await mysql.createConnection({ uri: `${ROOT_URL}/${DB}` });
    await conn.query('DELETE FROM payments ORDER BY id LIMIT 1');
    await conn.end();
    const broken = await bench();
    expect(broken.status).toBe(1);
    const after = verdicts(broken.stdout);
    expect(after['double-booking']).toBe('fail');
    expect(after['history-vs-mysql']).toBe('fail');
    expect(after['kafka-events']).toBe('pass');
    expect(broken.stdout).toMatch(/all 9 in one process, as a run does\*\* \| FAIL \|/);
  }, 300_000);
});
