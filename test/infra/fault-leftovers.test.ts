// `infra up` heals what a run killed mid-fault left behind: a Redis shut down by restart-redis is
// started again as it was, a target instance left stopped by pause-target is resumed and stopped.
// The "dead run" is a real child process that injects the fault, records it, and exits.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { infraUp } from '../../src/infra/index.ts';
import { processState, waitForExit } from '../../src/infra/processes.ts';

/** Runs `code` in a child node process (tsx) that exits when done: the run that died. */
function deadRun(code: string): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: path.resolve(import.meta.dirname, '../..'), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
}

describe('infra up heals faults a dead run left', () => {
  it('resumes and stops a target instance left stopped (SIGSTOP) by a run that died', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'ticketbench-leftovers-'));
    const victim = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
    victim.unref();
    const pid = victim.pid!;
    deadRun(`
      import { recordPending } from './src/infra/fault-leftovers.ts';
      import { processStartTime } from './src/infra/processes.ts';
      recordPending(${JSON.stringify(stateDir)}, { fault: 'pause-target', kind: 'continue-process', pid: ${pid}, startTime: processStartTime(${pid}) });
      process.kill(${pid}, 'SIGSTOP');
    `);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processState(pid)).toBe('T');
    const lines: string[] = [];
    await infraUp({ connections: DEFAULT_CONNECTIONS, stateDir, log: (line) => lines.push(line) });
    expect(await waitForExit(pid, 5_000)).toBe(true);
    expect(lines.join('\n')).toContain(`pause-target: resumed and stopped target pid ${pid}`);
  }, 60_000);

  it('starts again, as it was, a Redis that restart-redis shut down in a run that died', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'ticketbench-leftovers-'));
    const before = new Redis(DEFAULT_CONNECTIONS.redisUrl);
    const bindBefore = await before.call('CONFIG', 'GET', 'bind');
    const runIdBefore = /run_id:(\w+)/.exec(await before.info('server'))![1];
    before.disconnect();
    deadRun(`
      import { Redis } from 'ioredis';
      import { recordPending } from './src/infra/fault-leftovers.ts';
      import { readRedisRelaunch } from './src/infra/redis.ts';
      const client = new Redis(${JSON.stringify(DEFAULT_CONNECTIONS.redisUrl)}, { retryStrategy: () => null });
      client.on('error', () => undefined);
      const relaunch = await readRedisRelaunch(client);
      recordPending(${JSON.stringify(stateDir)}, { fault: 'restart-redis', kind: 'relaunch-redis', redisUrl: ${JSON.stringify(DEFAULT_CONNECTIONS.redisUrl)}, relaunch });
      await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
      client.disconnect();
    `);
    const lines: string[] = [];
    const up = await infraUp({ connections: DEFAULT_CONNECTIONS, stateDir, log: (line) => lines.push(line) });
    expect(lines.join('\n')).toContain('restart-redis: started Redis again as it was');
    // Started as it was, not as a throw-away Redis of infra up's own.
    expect(up.started).not.toContain('redis');
    const after = new Redis(DEFAULT_CONNECTIONS.redisUrl);
    expect(await after.call('CONFIG', 'GET', 'bind')).toEqual(bindBefore);
    expect(/run_id:(\w+)/.exec(await after.info('server'))![1]).not.toBe(runIdBefore);
    after.disconnect();
  }, 60_000);
});
