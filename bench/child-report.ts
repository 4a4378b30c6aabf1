/**
 * What every measured child process (ticketbench engine, autocannon, the undici and raw-socket loops) reports
 * to the benchmark: one JSON line on stdout, so that the parent never shares a process, and so
 * CPU time and peak memory, with the generator it measures.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One tool's run as the tool itself measured it. */
export interface ToolRun {
  /** Completed requests (any status). */
  readonly requests: number;
  /** Non-2xx answers and request errors; should be 0 against nginx. */
  readonly errors: number;
  /** Wall time of the load, seconds. */
  readonly durationS: number;
  /** CPU time (user + system) of the generator process during the load, seconds. */
  readonly cpuS: number;
  /** Latency percentiles as the tool reports them, ms; null when the tool measures none. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Peak resident memory of the process (VmHWM), MiB. */
  readonly peakRssMiB: number;
  /** Tool-specific figures (dropped iterations, corrected latency, history size…). */
  readonly extra?: Readonly<Record<string, number>>;
}

/** The line prefix the parent looks for, so that stray output of a library cannot be mistaken for a result. */
export const RESULT_PREFIX = 'BENCH-RESULT ';

/** Peak resident set size of this process so far (Linux VmHWM), MiB; 0 when unreadable. */
export function peakRssMiB(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) since `since` (a process.cpuUsage() reading). */
export function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** Prints the result line the parent parses. */
export function emit(run: ToolRun): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(run)}\n`);
}

/** `--name value` pairs of argv as a map. */
export function parseArgs(argv: readonly string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i + 1 < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1]!);
  return args;
}

/** A numeric `--name` argument, or `fallback`. */
export function numberArg(args: Map<string, string>, name: string, fallback?: number): number {
  const raw = args.get(name);
  if (raw === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got ${raw}`);
  return value;
}

/**
 * Runs a measuring child to its end and returns the JSON of the `RESULT_PREFIX` line it printed.
 * @throws Error with the end of its output when it exits non-zero or prints no result.
 */
export function runResultChild<T>(command: string, argv: readonly string[], cwd: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) return reject(new Error(`${command} ${argv.join(' ')} exited with ${code}: ${(stderr || stdout).trim().slice(-800)}`));
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}
