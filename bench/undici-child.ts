/**
 * The reference floor: a plain undici `Pool.request` loop per connection, reading each body, with
 * no history and no histograms (`--url`, `--connections`, `--duration` s). The engine, which
 * records both, must still beat it.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { cpuSecondsSince, emit, numberArg, parseArgs, peakRssMiB } from './child-report.ts';

const args = parseArgs(process.argv.slice(2));
const connections = numberArg(args, 'connections');
const durationMs = numberArg(args, 'duration') * 1000;
const pool = new Pool(args.get('url')!, { connections, pipelining: 1 });
let requests = 0;
let errors = 0;
const cpu = process.cpuUsage();
const start = performance.now();
const deadline = start + durationMs;
await Promise.all(
  Array.from({ length: connections }, async () => {
    while (performance.now() < deadline) {
      const res = await pool.request({ path: '/', method: 'GET' });
      await res.body.text();
      requests += 1;
      if (res.statusCode !== 200) errors += 1;
    }
  }),
);
const durationS = (performance.now() - start) / 1000;
const cpuS = cpuSecondsSince(cpu);
await pool.close();
emit({ requests, errors, durationS, cpuS, p50Ms: null, p99Ms: null, peakRssMiB: peakRssMiB() });
