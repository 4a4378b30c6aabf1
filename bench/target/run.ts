/**
 * `npm run bench:target`: what the bundled target costs per request on its hot endpoints, measured
 * by an independent generator (autocannon, in its own process) against the target and against a
 * bare Express 5 app answering the same status and body (bare-express.ts): req/s, p50/p95/p99,
 * the server process's CPU per request, and the ratio target / bare, `--repetitions` rounds
 * interleaved (medians with min–max); then a `--cpu-prof` of the target under each endpoint and
 * its top self-time frames. Saved as `reports/bench-target-<UTC time>.md`. See bench/README.md.
 *
 * Then the contention burst of `ticketbench run contention` (80 VUs, one seat): 80 holds sent at
 * once on 80 new connections by ticketbench's own client (burst-child.ts), against the warm target
 * (a fresh seat each round) and bare Express (the losing hold's 409), `--burst-rounds` rounds
 * interleaved; and against a freshly started target, as every `run` does, `--burst-cold` times.
 *
 * Options: --connections 80 --duration 5 (s) --repetitions 3 --profile 1 (0 skips the profiles)
 * --endpoints losing-hold,hold-pay,seat-map,seat-map-cached,charge --burst-rounds 10 --burst-cold 5 --burst-vus 80
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import { infraUp } from '../../src/infra/index.ts';
import { resolveStateDir } from '../../src/infra/paths.ts';
import { startBundledTarget, stopChild, type RunningTarget } from '../../src/target/launch.ts';
import { numberArg, parseArgs, runResultChild } from '../child-report.ts';
import { gitCommit } from '../git.ts';
import { processCpuS } from '../proc.ts';
import { selfTimes, type Profile } from '../profile-top.ts';
import { median, spread, type Spread } from '../stats.ts';
import type { BareRoute } from './bare-express.ts';
import type { BurstJob, BurstResult, LoadJob, LoadPlan, LoadResult } from './plan.ts';
import { LatencyHistogram } from '../../src/engine/latency.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = parseArgs(process.argv.slice(2));
const connections = numberArg(args, 'connections', 80);
const durationS = numberArg(args, 'duration', 5);
const repetitions = Math.max(1, numberArg(args, 'repetitions', 3));
const profile = numberArg(args, 'profile', 1) !== 0;
const burstRounds = numberArg(args, 'burst-rounds', 10);
const burstCold = numberArg(args, 'burst-cold', 5);
const burstVus = numberArg(args, 'burst-vus', 80);

const out: string[] = [];
/** Prints a line and keeps it for the saved copy. */
function say(line = ''): void {
  console.log(line);
  out.push(line);
}

/** An endpoint measured: how to prepare the target for one run, and which answers count as expected. */
interface Endpoint {
  readonly name: string;
  readonly what: string;
  /** The target's read cache this endpoint runs with. */
  readonly cache: 'off' | 'on';
  /** Creates the data of one run on the target and returns the load plan and the bare app's routes. */
  prepare(target: string): Promise<{ plan: LoadPlan; bare: BareRoute[] }>;
  readonly expected: readonly number[];
}

async function post(base: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function fixture(base: string, body: Record<string, unknown>): Promise<{ scheduleId: number; seatNos: string[]; userIds: number[] }> {
  const res = await post(base, '/admin/fixtures', body);
  if (res.status !== 201) throw new Error(`fixture: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { scheduleId: number; seatNos: string[]; userIds: number[] };
}

const ENDPOINTS: readonly Endpoint[] = [
  {
    name: 'losing-hold',
    what: 'POST /api/reservations on a seat another user holds (every answer 409)',
    cache: 'off',
    expected: [409],
    async prepare(base) {
      const f = await fixture(base, { seats: 1, users: 2 });
      await post(base, '/api/reservations', { userId: f.userIds[0], scheduleId: f.scheduleId, seatNo: 'S1' });
      const body = { userId: f.userIds[1], scheduleId: f.scheduleId, seatNo: 'S1' };
      const sample = await post(base, '/api/reservations', body);
      return { plan: { kind: 'fixed', method: 'POST', path: '/api/reservations', body }, bare: [{ method: 'POST', path: '^/api/reservations$', status: sample.status, body: sample.body }] };
    },
  },
  {
    name: 'hold-pay',
    what: 'POST /api/reservations on a free seat, then its payment (each 201)',
    cache: 'off',
    expected: [201],
    async prepare(base) {
      const f = await fixture(base, { seats: 40_000, users: 40_000, price: 100, points: 1_000 });
      const hold = await post(base, '/api/reservations', { userId: f.userIds[0], scheduleId: f.scheduleId, seatNo: 'S1' });
      const pay = await post(base, `/api/reservations/${(hold.body as { reservationId: number }).reservationId}/payment`, { userId: f.userIds[0] });
      return {
        // Seat S1 is taken by the sample: the load starts at S2.
        plan: { kind: 'hold-pay', scheduleId: f.scheduleId, userIds: f.userIds, firstSeat: 2 },
        bare: [
          { method: 'POST', path: '^/api/reservations$', status: hold.status, body: hold.body },
          { method: 'POST', path: '^/api/reservations/\\d+/payment$', status: pay.status, body: pay.body },
        ],
      };
    },
  },
  ...(['off', 'on'] as const).map(
    (cache): Endpoint => ({
      name: cache === 'off' ? 'seat-map' : 'seat-map-cached',
      what: `GET /api/schedules/{id}/available-seats of 1,000 seats, read cache ${cache === 'off' ? 'off (MySQL every time)' : 'on (hits, refilled once a second)'}`,
      cache,
      expected: [200],
      async prepare(base) {
        const f = await fixture(base, { seats: 1_000, users: 1 });
        const path = `/api/schedules/${f.scheduleId}/available-seats`;
        const sample = await fetch(base + path);
        return { plan: { kind: 'fixed', method: 'GET', path }, bare: [{ method: 'GET', path: '^/api/schedules/\\d+/available-seats$', status: sample.status, body: await sample.json() }] };
      },
    }),
  ),
  {
    name: 'charge',
    what: 'POST /api/users/{id}/wallet/charge, 1,000 users in turn, a fresh idempotency key each (each 201)',
    cache: 'off',
    expected: [201],
    async prepare(base) {
      const f = await fixture(base, { seats: 1, users: 1_000, points: 0 });
      const sample = await post(base, `/api/users/${f.userIds[0]}/wallet/charge`, { amount: 1, idempotencyKey: `bench-sample-${Date.now()}` });
      return { plan: { kind: 'charge', userIds: f.userIds, amount: 1 }, bare: [{ method: 'POST', path: '^/api/users/\\d+/wallet/charge$', status: sample.status, body: sample.body }] };
    },
  },
];

const chosen = (args.get('endpoints') ?? ENDPOINTS.map((e) => e.name).join(',')).split(',');
for (const name of chosen) if (!ENDPOINTS.some((e) => e.name === name)) throw new Error(`unknown endpoint ${name} (known: ${ENDPOINTS.map((e) => e.name).join(', ')})`);
const endpoints = ENDPOINTS.filter((e) => chosen.includes(e.name));

/** Runs the load child for one job. */
function runLoad(job: LoadJob): Promise<LoadResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-target-job-')), 'job.json');
  writeFileSync(file, JSON.stringify(job));
  return runResultChild<LoadResult>(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/target/load-child.ts'), file], ROOT);
}

/** Starts the bare Express peer with these routes; resolves once it listens. */
function startBare(routes: readonly BareRoute[]): Promise<{ url: string; child: ChildProcess }> {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-target-bare-')), 'routes.json');
  writeFileSync(file, JSON.stringify(routes));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/target/bare-express.ts'), file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', (c: Buffer) => resolve({ url: `http://127.0.0.1:${(JSON.parse(c.toString()) as { port: number }).port}`, child }));
    child.once('exit', (code) => reject(new Error(`bare-express exited with ${code}`)));
  });
}

/** One measured run: the generator's result and the server's CPU seconds meanwhile. */
interface Sample {
  readonly result: LoadResult;
  readonly serverCpuS: number;
}

async function measure(url: string, pid: number, plan: LoadPlan): Promise<Sample> {
  const before = processCpuS(pid);
  const result = await runLoad({ url, connections, durationS, plan });
  return { result, serverCpuS: processCpuS(pid) - before };
}

const rate = (s: Sample) => s.result.requests / s.result.durationS;
const cpuMsPerRequest = (s: Sample) => (s.serverCpuS * 1000) / Math.max(1, s.result.requests);
const unexpected = (s: Sample, expected: readonly number[]) =>
  s.result.errors + Object.entries(s.result.statuses).filter(([status]) => !expected.includes(Number(status))).reduce((n, [, c]) => n + c, 0);

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const fmtSpread = (s: Spread, digits = 0) => `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

async function main(): Promise<void> {
  const stateDir = resolveStateDir();
  await infraUp({ connections: DEFAULT_CONNECTIONS, stateDir, log: () => undefined });
  const started = new Date();
  say(`# bench:target — the bundled target against bare Express 5`);
  say();
  say(`${started.toISOString()} · commit ${gitCommit(ROOT)} · ${connections} connections · ${durationS} s per run · ${repetitions} rounds interleaved (target and bare alternate who goes first) · autocannon in its own process · the target with its defaults (strategy redis-lock, wallet pessimistic) on MariaDB/Redis/Kafka on this machine; generator, target and servers share its 2 cores.`);
  say();

  const targets = new Map<'off' | 'on', RunningTarget>();
  for (const cache of new Set(endpoints.map((e) => e.cache))) targets.set(cache, await startBundledTarget(DEFAULT_CONNECTIONS, stateDir, { cache }, undefined, cache === 'on' ? 92 : 91));
  const samples = new Map<string, { target: Sample[]; bare: Sample[] }>(endpoints.map((e) => [e.name, { target: [], bare: [] }]));
  try {
    for (let round = 1; round <= repetitions; round++) {
      for (const endpoint of endpoints) {
        const target = targets.get(endpoint.cache)!;
        const { plan, bare } = await endpoint.prepare(target.baseUrl);
        const peer = await startBare(bare);
        const order = round % 2 === 1 ? (['target', 'bare'] as const) : (['bare', 'target'] as const);
        for (const who of order) {
          const sample = who === 'target' ? await measure(target.baseUrl, target.pid, plan) : await measure(peer.url, peer.child.pid!, plan);
          samples.get(endpoint.name)![who].push(sample);
          console.error(`round ${round} ${endpoint.name} ${who}: ${fmt(rate(sample))} req/s, p95 ${fmt(sample.result.p95Ms, 1)} ms, ${JSON.stringify(sample.result.statuses)}`);
        }
        await stopChild(peer.child, 10_000);
      }
    }
  } finally {
    await Promise.all([...targets.values()].map((t) => t.stop()));
  }

  say('| endpoint | server | req/s median (min–max) | p50 ms | p95 ms | p99 ms | server CPU ms/request | unexpected answers |');
  say('|---|---|---:|---:|---:|---:|---:|---:|');
  const ratioRows: string[] = [];
  for (const endpoint of endpoints) {
    const s = samples.get(endpoint.name)!;
    for (const who of ['target', 'bare'] as const) {
      const runs = s[who];
      say(
        `| ${endpoint.name} | ${who === 'target' ? 'bundled target' : 'bare Express'} | ${fmtSpread(spread(runs.map(rate)))} | ${fmt(median(runs.map((r) => r.result.p50Ms)), 1)} | ${fmt(median(runs.map((r) => r.result.p95Ms)), 1)} | ${fmt(median(runs.map((r) => r.result.p99Ms)), 1)} | ${fmt(median(runs.map(cpuMsPerRequest)), 3)} | ${runs.reduce((n, r) => n + unexpected(r, endpoint.expected), 0)} |`,
      );
    }
    const ratios = s.target.map((t, i) => rate(t) / rate(s.bare[i]!));
    const cpu = s.target.map((t, i) => cpuMsPerRequest(t) / cpuMsPerRequest(s.bare[i]!));
    ratioRows.push(`| ${endpoint.name} | ${fmtSpread(spread(ratios), 2)} | ${fmtSpread(spread(cpu), 1)} | ${endpoint.what} |`);
  }
  say();
  say('Target / bare, per round (same round, same connections):');
  say();
  say('| endpoint | req/s ratio median (min–max) | CPU per request, × bare | what |');
  say('|---|---:|---:|---|');
  for (const row of ratioRows) say(row);

  if (burstRounds > 0 || burstCold > 0) await bursts(stateDir);
  if (profile) await profiles();

  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  const file = join(ROOT, 'reports', `bench-target-${started.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}.md`);
  writeFileSync(file, `${out.join('\n')}\n`);
  console.log(`\nsaved ${file}`);
}

/** Runs one burst child. */
function runBurst(job: BurstJob): Promise<BurstResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-target-burst-')), 'job.json');
  writeFileSync(file, JSON.stringify(job));
  return runResultChild<BurstResult>(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/target/burst-child.ts'), file], ROOT);
}

/** A fresh seat and `burstVus` users racing for it: the bodies of one burst of holds. */
async function burstBodies(base: string): Promise<unknown[]> {
  const f = await fixture(base, { seats: 1, users: burstVus });
  return f.userIds.map((userId) => ({ userId, scheduleId: f.scheduleId, seatNo: 'S1' }));
}

/** p50, p95 and max of a set of latencies, ms (the engine's HDR histogram). */
function percentiles(latenciesMs: readonly number[]): { p50: number; p95: number; max: number } {
  const h = new LatencyHistogram();
  for (const ms of latenciesMs) h.record(ms * 1000);
  return { p50: h.percentileMs(50), p95: h.percentileMs(95), max: h.percentileMs(100) };
}

/** The contention burst section (see the module comment). */
async function bursts(stateDir: string): Promise<void> {
  const warm: BurstResult[] = [];
  const bare: BurstResult[] = [];
  const cold: BurstResult[] = [];
  const target = await startBundledTarget(DEFAULT_CONNECTIONS, stateDir, { cache: 'off' }, undefined, 94);
  try {
    // The bare peer answers every hold as the target answers a loser.
    const sample = await burstBodies(target.baseUrl);
    await post(target.baseUrl, '/api/reservations', sample[0]);
    const losing = await post(target.baseUrl, '/api/reservations', sample[1]);
    const peer = await startBare([{ method: 'POST', path: '^/api/reservations$', status: losing.status, body: losing.body }]);
    try {
      for (let round = 1; round <= burstRounds; round++) {
        const bodies = await burstBodies(target.baseUrl);
        for (const who of round % 2 === 1 ? (['target', 'bare'] as const) : (['bare', 'target'] as const)) {
          const result = await runBurst({ url: who === 'target' ? target.baseUrl : peer.url, path: '/api/reservations', bodies });
          (who === 'target' ? warm : bare).push(result);
          console.error(`burst ${round} ${who}: p95 ${fmt(percentiles(result.latenciesMs).p95, 1)} ms ${JSON.stringify(result.statuses)}`);
        }
      }
    } finally {
      await stopChild(peer.child, 10_000);
    }
  } finally {
    await target.stop();
  }
  for (let round = 1; round <= burstCold; round++) {
    const fresh = await startBundledTarget(DEFAULT_CONNECTIONS, stateDir, { cache: 'off' }, undefined, 95);
    try {
      const result = await runBurst({ url: fresh.baseUrl, path: '/api/reservations', bodies: await burstBodies(fresh.baseUrl) });
      cold.push(result);
      console.error(`burst cold ${round}: p95 ${fmt(percentiles(result.latenciesMs).p95, 1)} ms ${JSON.stringify(result.statuses)}`);
    } finally {
      await fresh.stop();
    }
  }

  say();
  say(`## Contention burst: ${burstVus} holds on one seat at once, each on a new connection (\`run contention\`'s load)`);
  say();
  say(`ticketbench's own HTTP client in its own process, as a closed model starts: no connection open beforehand. Per round, p50 and p95 of the ${burstVus} requests (connect included); the table gives the median (min–max) over the rounds. Warm: one target started for these ${burstRounds} rounds (its first burst is its first traffic), interleaved with bare Express, each round on a fresh seat. Fresh target: started just before its burst, as \`ticketbench run\` starts one, ${burstCold} times.`);
  say();
  say('| server | rounds | p50 ms | p95 ms | max ms | answers |');
  say('|---|---:|---:|---:|---:|---|');
  const row = (label: string, runs: readonly BurstResult[]) => {
    if (runs.length === 0) return;
    const per = runs.map((r) => percentiles(r.latenciesMs));
    const answers: Record<string, number> = {};
    for (const r of runs) for (const [status, n] of Object.entries(r.statuses)) answers[status] = (answers[status] ?? 0) + n;
    const errors = runs.reduce((n, r) => n + r.errors, 0);
    say(`| ${label} | ${runs.length} | ${fmtSpread(spread(per.map((p) => p.p50)), 1)} | ${fmtSpread(spread(per.map((p) => p.p95)), 1)} | ${fmtSpread(spread(per.map((p) => p.max)), 1)} | ${Object.entries(answers).map(([s, n]) => `${s}: ${n}`).join(', ')}${errors > 0 ? `, no answer: ${errors}` : ''} |`);
  };
  row('bundled target, warm', warm);
  row('bare Express', bare);
  row('bundled target, freshly started', cold);
  if (warm.length > 0 && bare.length > 0) {
    const ratios = warm.map((w, i) => percentiles(w.latenciesMs).p95 / percentiles(bare[i]!.latenciesMs).p95);
    say();
    say(`p95 target / bare Express, per round: ${fmtSpread(spread(ratios), 2)} (goal of issue 15: ≤ 2).`);
  }
}

/** One profiled target per endpoint (`node --cpu-prof`), one run each, and its top self-time frames. */
async function profiles(): Promise<void> {
  say();
  say(`## Where the target spends its CPU (\`--cpu-prof\`, one ${durationS} s run per endpoint, top self time)`);
  for (const endpoint of endpoints) {
    const dir = mkdtempSync(join(tmpdir(), `bench-target-prof-${endpoint.name}-`));
    const target = await startBundledTarget(DEFAULT_CONNECTIONS, resolveStateDir(), { cache: endpoint.cache }, undefined, 93, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const { plan } = await endpoint.prepare(target.baseUrl);
    await runLoad({ url: target.baseUrl, connections, durationS, plan });
    await target.stop(15_000);
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    // The main thread's profile is the largest (the queue advancer is a worker thread).
    const biggest = files.map((f) => join(dir, f)).sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
    say();
    say(`**${endpoint.name}**: ${endpoint.what}`);
    say();
    if (!biggest) {
      say('no profile was written');
      continue;
    }
    const rows = selfTimes(JSON.parse(readFileSync(biggest, 'utf8')) as Profile);
    // Idle samples are the target waiting (on MySQL, Redis, the network): shares are of the busy ones.
    const idleMs = rows.filter((r) => r.name.startsWith('(idle)')).reduce((n, r) => n + r.ms, 0);
    const busy = rows.filter((r) => !r.name.startsWith('(idle)'));
    const busyMs = busy.reduce((n, r) => n + r.ms, 0);
    say(`idle ${fmt((idleMs / Math.max(1, idleMs + busyMs)) * 100, 1)}% of the profile; shares below are of the busy samples (startup included: module loading frames are tsx compiling the target once)`);
    say();
    say('| self, % of busy | ms | function |');
    say('|---:|---:|---|');
    for (const row of busy.slice(0, 15)) {
      say(`| ${((row.ms / Math.max(1, busyMs)) * 100).toFixed(1)}% | ${row.ms.toFixed(0)} | \`${row.name.replace(ROOT + '/', '').replace(/\|/g, '\\|')}\` |`);
    }
  }
}

await main();
