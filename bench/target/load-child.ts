/**
 * One autocannon run of `npm run bench:target`, in its own process so that the generator's CPU is
 * never the measured server's: `node --import tsx bench/target/load-child.ts JOB.json`. Prints
 * one `BENCH-RESULT {LoadResult}` line. Pipelining 1, no workers. Latency comes from autocannon's
 * per-response times (its own summary has no p95), recorded in the engine's HDR histogram.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { LatencyHistogram } from '../../src/engine/latency.ts';
import { RESULT_PREFIX } from '../child-report.ts';
import type { LoadJob, LoadResult } from './plan.ts';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadJob;
const plan = job.plan;
const json = { 'content-type': 'application/json' };
let next = 0;

type Request = autocannon.Request;
function requests(): Request[] {
  if (plan.kind === 'fixed') {
    return [{ method: plan.method, path: plan.path, ...(plan.body === undefined ? {} : { headers: json, body: JSON.stringify(plan.body) }) }];
  }
  if (plan.kind === 'charge') {
    return [
      {
        method: 'POST',
        headers: json,
        setupRequest: (req) => {
          const n = next++;
          const userId = plan.userIds[n % plan.userIds.length]!;
          return { ...req, path: `/api/users/${userId}/wallet/charge`, body: JSON.stringify({ amount: plan.amount, idempotencyKey: `bench-${process.pid}-${n}` }) };
        },
      },
    ];
  }
  // Seats are used once each; past the last one the holds lose (409), which the result shows.
  return [
    {
      method: 'POST',
      path: '/api/reservations',
      headers: json,
      setupRequest: (req, context) => {
        const i = (plan.firstSeat - 1 + next++) % plan.userIds.length;
        context['userId'] = plan.userIds[i];
        return { ...req, body: JSON.stringify({ userId: plan.userIds[i], scheduleId: plan.scheduleId, seatNo: `S${i + 1}` }) };
      },
      onResponse: (status, body, context) => {
        context['reservationId'] = status === 201 ? (JSON.parse(body) as { reservationId: number }).reservationId : 0;
      },
    },
    {
      method: 'POST',
      headers: json,
      setupRequest: (req, context) => ({ ...req, path: `/api/reservations/${String(context['reservationId'])}/payment`, body: JSON.stringify({ userId: context['userId'] }) }),
    },
  ];
}

const latency = new LatencyHistogram();
const statuses: Record<string, number> = {};
const instance = autocannon({ url: job.url, connections: job.connections, duration: job.durationS, pipelining: 1, requests: requests() });
instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
  latency.record(responseTimeMs * 1000);
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
});
const result = await instance;
const out: LoadResult = {
  requests: result.requests.total,
  statuses,
  errors: result.errors + result.timeouts,
  durationS: result.duration,
  p50Ms: latency.percentileMs(50),
  p95Ms: latency.percentileMs(95),
  p99Ms: latency.percentileMs(99),
};
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(out)}\n`);
