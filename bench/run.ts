/**
 * `npm run bench`: how many requests per second ticketbench's engine drives, and at what CPU
 * cost, next to autocannon and wrk, against an nginx fast enough that the generator is the
 * bottleneck; then an open-model accuracy check and the peak memory of a 1,000,000-request run.
 * See bench/README.md for what each figure means.
 *
 * Options: --connections 50 --duration 10 (s) --repetitions 3 --wrk-threads 1
 * --open-fraction 0.5 (0 skips the open-model check) --open-duration 10 --open-repetitions 3
 * --million 1000000 (0 skips the memory run)
 * --tools ticketbench,autocannon,wrk,undici-loop,undici-dispatch,raw-socket
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberArg, parseArgs, runResultChild, type ToolRun } from './child-report.ts';
import { ensureTools, startNginx, type RunningNginx } from './nginx.ts';
import { CLK_TCK, machineBusyS, processCpuS } from './proc.ts';
import { cpuPer10k, formatRatio, formatTable, median, ratios, rotation, rps, toolRows, type Measured, type ToolName } from './stats.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = parseArgs(process.argv.slice(2));
const connections = numberArg(args, 'connections', 50);
const durationS = numberArg(args, 'duration', 10);
const repetitions = Math.max(1, numberArg(args, 'repetitions', 3));
const wrkThreads = numberArg(args, 'wrk-threads', 1);
const openFraction = numberArg(args, 'open-fraction', 0.5);
const openDurationS = numberArg(args, 'open-duration', 10);
const openRepetitions = Math.max(1, numberArg(args, 'open-repetitions', 3));
const millionRequests = numberArg(args, 'million', 1_000_000);
const ALL_TOOLS: readonly ToolName[] = ['ticketbench', 'autocannon', 'wrk', 'undici-loop', 'undici-dispatch', 'raw-socket'];
const tools = (args.get('tools') ?? ALL_TOOLS.join(',')).split(',') as ToolName[];
for (const tool of tools) if (!ALL_TOOLS.includes(tool)) throw new Error(`unknown tool ${tool} in --tools (known: ${ALL_TOOLS.join(', ')})`);
/** The memory budget for a 1,000,000-request run, MiB. */
const MEMORY_BUDGET_MIB = 300;

const out: string[] = [];
/** Prints a line and keeps it for the saved copy. */
function say(line = ''): void {
  console.log(line);
  out.push(line);
}

/** The nginx worker's pid: the master's child. */
function nginxWorkerPid(master: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/).map(Number);
    return children[0];
  } catch {
    return undefined;
  }
}

/** A run and what else used the CPU meanwhile. */
interface Observed<T> {
  readonly run: T;
  /** CPU seconds nginx's worker used. */
  readonly nginxCpuS: number;
  /** CPU seconds used by neither the generator nor nginx: other work on the machine (noise). */
  readonly backgroundCpuS: number;
}

/** Runs `start` and accounts for the machine's CPU meanwhile (the generator's own figure comes from the run). */
async function observe<T extends ToolRun>(worker: number | undefined, start: () => Promise<T>): Promise<Observed<T>> {
  const busyBefore = machineBusyS();
  const nginxBefore = worker ? processCpuS(worker) : 0;
  const run = await start();
  const nginxCpuS = worker ? processCpuS(worker) - nginxBefore : 0;
  return { run, nginxCpuS, backgroundCpuS: Math.max(0, machineBusyS() - busyBefore - run.cpuS - nginxCpuS) };
}

const runChild = (command: string, argv: readonly string[]) => runResultChild<ToolRun & { cpuTicks?: number }>(command, argv, ROOT);
const nodeChild = (script: string, extra: readonly string[]): Promise<ToolRun> =>
  runChild(process.execPath, ['--import', 'tsx', join('bench', script), ...extra]);

/** One run of `tool` against `url`, plus the CPU the rest of the machine used meanwhile. */
async function runTool(tool: ToolName, url: string, wrk: string): Promise<ToolRun> {
  const common = ['--url', url, '--connections', String(connections), '--duration', String(durationS)];
  switch (tool) {
    case 'ticketbench':
      return nodeChild('engine-child.ts', [...common, '--mode', 'closed']);
    case 'autocannon':
      return nodeChild('autocannon-child.ts', common);
    case 'undici-loop':
      return nodeChild('undici-child.ts', common);
    case 'undici-dispatch':
      return nodeChild('undici-dispatch-child.ts', common);
    case 'raw-socket':
      return nodeChild('raw-socket-child.ts', common);
    case 'wrk': {
      // wrk's figures come from the Lua `done` hook; its CPU is the whole process (startup included: a few ms).
      const run = await runChild(wrk, ['-t', String(wrkThreads), '-c', String(connections), '-d', `${durationS}s`, '-s', join(ROOT, 'bench', 'wrk-report.lua'), `${url}/`]);
      return { ...run, cpuS: (run.cpuTicks ?? 0) / CLK_TCK };
    }
  }
}

function machineLine(nginxBinary: string, wrkBinary: string): string {
  const version = (cmd: string, argv: string[]): string => {
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`.trim().split('\n')[0] ?? '?';
  };
  const autocannonVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')) as { version: string }).version;
  return [
    `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    `${version(nginxBinary, ['-v']).replace('nginx version: ', '')}, ${version(wrkBinary, ['-v']).split(' [')[0]}, autocannon ${autocannonVersion}`,
  ].join('; ');
}

async function main(): Promise<void> {
  const { nginx: nginxBinary, wrk } = ensureTools((line) => say(line));
  const nginx: RunningNginx = await startNginx(nginxBinary);
  const stop = (): void => void nginx.stop().then(() => process.exit(130));
  process.once('SIGINT', stop);
  try {
    const worker = nginxWorkerPid(nginx.pid);
    say(`# ticketbench engine benchmark`);
    say();
    say(`Machine: ${machineLine(nginxBinary, wrk)}.`);
    say(`Endpoint: nginx, 1 worker, \`return 200 '{"ok":true}'\` on ${nginx.url}. ${connections} connections, ${durationS} s per run, ${repetitions} repetitions, order rotated each repetition; wrk with ${wrkThreads} thread(s).`);
    say(`Load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`);
    say();
    // Warm nginx (and the page cache of every binary) so that the first measured run is not penalised.
    await runChild(wrk, ['-t', '1', '-c', String(connections), '-d', '2s', `${nginx.url}/`]).catch(() => undefined);

    const measured: Measured[] = [];
    for (let rep = 0; rep < repetitions; rep++) {
      for (const tool of rotation(tools, rep)) {
        const { run, nginxCpuS, backgroundCpuS } = await observe(worker, () => runTool(tool, nginx.url, wrk));
        measured.push({ tool, repetition: rep, run, backgroundCpuS });
        say(
          `run ${rep + 1}/${repetitions} ${tool.padEnd(15)} ${Math.round(rps(run)).toLocaleString('en-US').padStart(8)} req/s  ` +
            `CPU ${cpuPer10k(run).toFixed(3)} s/10k  nginx ${nginxCpuS.toFixed(1)} s  background ${backgroundCpuS.toFixed(1)} CPU s` +
            (run.errors > 0 ? `  ERRORS ${run.errors}` : ''),
        );
      }
    }
    say();
    say(formatTable(toolRows(measured, tools)));
    say();
    if (tools.includes('ticketbench')) {
      for (const other of tools.filter((t) => t !== 'ticketbench')) {
        say(`ticketbench / ${other}: req/s ${formatRatio(ratios(measured, other))}, CPU per request ${formatRatio(ratios(measured, other, cpuPer10k))} (median (min–max) of per-repetition ratios)`);
      }
      const vsAutocannon = ratios(measured, 'autocannon');
      const cpuVsAutocannon = ratios(measured, 'autocannon', cpuPer10k);
      if (vsAutocannon && cpuVsAutocannon) {
        say(`Goal (req/s ≥ autocannon, less CPU per request): ${vsAutocannon.median >= 1 && cpuVsAutocannon.median < 1 ? 'met' : 'NOT met'} on the medians.`);
      }
      say();
      if (openFraction > 0) await openModelCheck(measured, nginx.url, worker);
      if (millionRequests > 0) await memoryRun(nginx.url, worker);
    }
    say(`Load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`);
  } finally {
    await nginx.stop();
  }
  const file = join(ROOT, 'reports', `bench-${new Date().toISOString().replace(/[:.]/g, '').slice(0, 15)}.md`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${out.join('\n')}\n`);
  console.log(`(saved to ${file})`);
}

/**
 * constant-arrival-rate at `--open-fraction` of the measured saturation, `--open-repetitions`
 * times: the achieved arrival rate (iterations started over the scheduled duration) must be
 * within 1% of the target; dropped iterations and the corrected latency are printed.
 */
async function openModelCheck(measured: readonly Measured[], url: string, worker: number | undefined): Promise<void> {
  const saturation = median(measured.filter((m) => m.tool === 'ticketbench').map((m) => rps(m.run)));
  const rate = Math.max(1000, Math.round((saturation * openFraction) / 1000) * 1000);
  say(`## Open model: constant-arrival-rate ${rate.toLocaleString('en-US')}/s for ${openDurationS} s (${Math.round(openFraction * 100)}% of the median saturation ${Math.round(saturation).toLocaleString('en-US')}/s)`);
  say();
  say('| run | iterations started | achieved /s | vs target | within 1% | dropped | req/s over the whole run | p50 ms | p99 ms | corrected p99 ms | CPU s / 10k | background CPU s |');
  say('|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (let rep = 1; rep <= openRepetitions; rep++) {
    const { run: open, backgroundCpuS } = await observe(worker, () =>
      nodeChild('engine-child.ts', ['--url', url, '--connections', String(connections), '--duration', String(openDurationS), '--mode', 'open', '--rate', String(rate)]),
    );
    const started = open.extra?.['iterations'] ?? 0;
    // The schedule ends after `openDurationS`; the run lasts a little longer while the last
    // iterations finish, which is no part of the arrival rate.
    const achieved = started / openDurationS;
    const off = achieved / rate - 1;
    say(
      `| ${rep} | ${started.toLocaleString('en-US')} | ${Math.round(achieved).toLocaleString('en-US')} | ${(off * 100).toFixed(2)}% | ${Math.abs(off) <= 0.01 ? 'yes' : 'NO'} | ` +
        `${(open.extra?.['droppedIterations'] ?? 0).toLocaleString('en-US')} | ${Math.round(rps(open)).toLocaleString('en-US')} | ${open.p50Ms?.toFixed(3)} | ${open.p99Ms?.toFixed(3)} | ` +
        `${open.extra?.['correctedP99Ms']?.toFixed(3) ?? '?'} | ${cpuPer10k(open).toFixed(3)} | ${backgroundCpuS.toFixed(1)} |`,
    );
  }
  say();
}

/** One run of `--million` requests: the peak resident memory with the history and histograms kept. */
async function memoryRun(url: string, worker: number | undefined): Promise<void> {
  const { run: million, backgroundCpuS } = await observe(worker, () =>
    nodeChild('engine-child.ts', ['--url', url, '--connections', String(connections), '--mode', 'million', '--iterations', String(millionRequests)]),
  );
  say(`## Memory: ${millionRequests.toLocaleString('en-US')} requests (shared-iterations, ${connections} VUs), history and histograms kept`);
  say();
  say(
    `peak RSS ${million.peakRssMiB.toFixed(0)} MiB (budget ${MEMORY_BUDGET_MIB} MiB: ${million.peakRssMiB <= MEMORY_BUDGET_MIB ? 'within' : 'OVER'}); ` +
      `history ops ${(million.extra?.['historyOps'] ?? 0).toLocaleString('en-US')}; heap used at the end ${million.extra?.['heapUsedMiB']?.toFixed(0) ?? '?'} MiB; ` +
      `${Math.round(rps(million)).toLocaleString('en-US')} req/s over ${million.durationS.toFixed(1)} s (background ${backgroundCpuS.toFixed(1)} CPU s)`,
  );
  say();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
