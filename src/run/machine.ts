/** What the report says about the machine the run executed on. */
import { createRequire } from 'node:module';
import os from 'node:os';
import type { ServerStatus } from '../infra/index.ts';
import type { MachineInfo } from '../model/run-report.ts';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Machine facts plus the server versions from `infra status`/`up`. */
export function describeMachine(statuses: readonly ServerStatus[]): MachineInfo {
  const version = (name: ServerStatus['name']) => statuses.find((s) => s.name === name)?.version ?? 'unknown';
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    ticketbench: pkg.version,
    mysql: version('mysql'),
    redis: version('redis'),
    kafka: version('kafka'),
  };
}
