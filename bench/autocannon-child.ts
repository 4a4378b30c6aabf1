/**
 * autocannon through its programmatic API, in its own process (`--url`, `--connections`,
 * `--duration` s). Pipelining 1 and no workers, as the engine runs.
 */
import autocannon from 'autocannon';
import { cpuSecondsSince, emit, numberArg, parseArgs, peakRssMiB } from './child-report.ts';

const args = parseArgs(process.argv.slice(2));
const url = args.get('url')!;
const cpu = process.cpuUsage();
const result = await autocannon({ url, connections: numberArg(args, 'connections'), duration: numberArg(args, 'duration'), pipelining: 1 });
const cpuS = cpuSecondsSince(cpu);
emit({
  requests: result.requests.total,
  errors: result.errors + result.timeouts + result.non2xx,
  durationS: result.duration,
  cpuS,
  // autocannon's own figures: ms from its HDR histogram.
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  peakRssMiB: peakRssMiB(),
});
