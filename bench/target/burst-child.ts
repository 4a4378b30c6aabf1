/**
 * One contention burst of `npm run bench:target`, as `ticketbench run contention`'s 80 VUs send
 * it: ticketbench's own HTTP client with one connection per request, none open beforehand (a
 * closed model connects as its VUs start), every request sent at once:
 * `node --import tsx bench/target/burst-child.ts JOB.json`. Prints one `BENCH-RESULT {BurstResult}` line.
 */
import { readFileSync } from 'node:fs';
import { TargetHttpClient } from '../../src/engine/http-client.ts';
import { RESULT_PREFIX } from '../child-report.ts';
import type { BurstJob, BurstResult } from './plan.ts';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BurstJob;
const client = new TargetHttpClient(job.url, { connections: job.bodies.length, timeoutMs: 10_000 });
const answers = await Promise.allSettled(job.bodies.map((body) => client.request('hold', 'POST', job.path, body)));
await client.close();
const statuses: Record<string, number> = {};
const latenciesMs: number[] = [];
let errors = 0;
for (const answer of answers) {
  if (answer.status === 'rejected') {
    errors += 1;
    continue;
  }
  statuses[answer.value.status] = (statuses[answer.value.status] ?? 0) + 1;
  latenciesMs.push(answer.value.latencyMs);
}
const result: BurstResult = { latenciesMs, statuses, errors };
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
process.exit(0);
