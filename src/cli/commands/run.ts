/** `ticketbench run <scenario>`: flags → RunScenarioOptions → runScenario, with the live or plain view. */
import { Command } from 'commander';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { connectionsFromFlags } from '../connection-flags.ts';
import { executorFromFlags, parseDuration, parsePositiveInt, MAX_VUS } from '../../engine/executor-options.ts';
import { ExitCode, TicketbenchError } from '../../errors.ts';
import { runScenario } from '../../run/run-scenario.ts';
import { validateStrategy } from '../../target/launch.ts';
import type { RunEventMap } from '../../run/types.ts';
import type { LiveView } from '../../ui/live.tsx';
import { loadScenario } from '../../scenario/registry.ts';
import type { CliIo } from '../main.ts';

/**
 * Runs a scenario and returns the exit code: 0 when every check passed, 1 otherwise.
 * @param scenarioArgs the arguments commander did not know: the scenario's own flags
 * @throws TicketbenchError for bad options or unavailable infrastructure (exit 2 at the top)
 */
export async function runCommand(scenarioName: string, opts: Record<string, unknown>, scenarioArgs: readonly string[], io: CliIo): Promise<number> {
  const scenario = await loadScenario(scenarioName);
  const scenarioFlags = parseScenarioFlags(scenario.flags, scenarioArgs, scenario.name, io);
  const executor = executorFromFlags(
    {
      vus: opt(opts, 'vus', (t) => parsePositiveInt(t, '--vus', MAX_VUS)),
      iterations: opt(opts, 'iterations', (t) => parsePositiveInt(t, '--iterations')),
      durationMs: opt(opts, 'duration', (t) => parseDuration(t, '--duration')),
    },
    { vus: scenario.defaultVus, iterations: scenario.defaultIterations?.(scenarioFlags) },
  );
  const requestTimeoutMs = parseDuration(String(opts['timeout']), '--timeout');
  const settleTimeoutMs = parseDuration(String(opts['settleTimeout']), '--settle-timeout');
  const connections = connectionsFromFlags(opts);
  const targetUrl = opts['targetUrl'] as string | undefined;
  if (targetUrl !== undefined) validateTargetUrl(targetUrl);
  if (opts['strategy'] !== undefined) validateStrategy(String(opts['strategy']));
  // Validate the scenario's options before any view or server starts.
  scenario.options(scenarioFlags, { executor });

  const emitter = new EventEmitter<RunEventMap>();
  const plain = Boolean(opts['ci']) || !io.stdout.isTTY;
  let view: LiveView | undefined;
  let detach: (() => void) | undefined;
  if (plain) {
    const { attachPlainPrinter } = await import('../../ui/plain.ts');
    detach = attachPlainPrinter(emitter, (s) => io.stdout.write(s.endsWith('\n') ? s : `${s}\n`));
  } else {
    const { renderLive } = await import('../../ui/live.tsx');
    view = renderLive(emitter);
  }

  // First Ctrl-C stops the load early but still checks and reports; a second one quits.
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
    emitter.emit('notice', 'interrupted: stopping the load, then checking what happened (Ctrl-C again to quit)');
  };
  process.on('SIGINT', onSigint);
  try {
    const { report } = await runScenario({
      scenario,
      scenarioFlags,
      executor,
      connections,
      infra: opts['infra'] !== false,
      ...(targetUrl ? { targetUrl } : {}),
      ...(opts['strategy'] !== undefined ? { strategy: String(opts['strategy']) } : {}),
      outDir: path.resolve(String(opts['out'])),
      requestTimeoutMs,
      settleTimeoutMs,
      ...(opts['stateDir'] ? { stateDir: String(opts['stateDir']) } : {}),
      emitter,
      signal: abort.signal,
    });
    await view?.waitUntilExit();
    return report.verdict === 'pass' ? ExitCode.OK : ExitCode.CHECKS_FAILED;
  } catch (err) {
    view?.unmount();
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    detach?.();
  }
}

function opt<T>(opts: Record<string, unknown>, key: string, parse: (text: string) => T): T | undefined {
  const value = opts[key];
  return value === undefined ? undefined : parse(String(value));
}

function parseScenarioFlags(flags: readonly { flags: string; description: string; parse: (text: string) => unknown }[], args: readonly string[], name: string, io: CliIo): Record<string, unknown> {
  const parser = new Command(`run ${name}`)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .allowExcessArguments(false)
    .helpOption(false);
  for (const flag of flags) parser.option(flag.flags, flag.description);
  parser.parse([...args], { from: 'user' });
  const values = parser.opts();
  const byName = Object.fromEntries(flags.map((f) => [camelName(f.flags), f]));
  return Object.fromEntries(Object.entries(values).map(([key, text]) => [key, byName[key]!.parse(String(text))]));
}

function camelName(flags: string): string {
  const long = flags.split(/[ ,]+/).find((part) => part.startsWith('--')) ?? '';
  return long.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function validateTargetUrl(text: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new TicketbenchError('INVALID_OPTION', `--target-url "${text}" is not an http(s) URL, e.g. http://127.0.0.1:8080.`);
  }
}
