/**
 * Entry point (`npm run target`): reads the environment, starts the service, announces the port
 * on stdout and — when forked with an IPC channel — with `{ type: 'listening', port }` to the
 * parent. SIGTERM/SIGINT close gracefully and exit 0; a startup failure is one stderr line and
 * exit code 1.
 */
import { loadSettings, type TargetSettings } from './config.ts';
import { createStderrLogger, describe, type Logger } from './log.ts';
import { startService, type RunningService } from './service.ts';
import type { TestHookMessage, TestHookResult } from '../../contract/bundled-target.ts';

/** The IPC message sent to a forking parent once the service accepts requests. */
export interface ListeningMessage {
  readonly type: 'listening';
  readonly port: number;
}

// Force exit if a graceful close hangs (e.g. a datastore stopped answering mid-shutdown).
const CLOSE_DEADLINE_MS = 15_000;

const stderrLog = createStderrLogger();
// Until startup succeeds, log lines (reconnect warnings and the like) are held back so a failed
// start prints exactly one line; on success they are flushed.
let held: [keyof Logger, string][] | undefined = [];
const log: Logger = {
  info: (m) => (held ? held.push(['info', m]) : stderrLog.info(m)),
  warn: (m) => (held ? held.push(['warn', m]) : stderrLog.warn(m)),
  error: (m) => (held ? held.push(['error', m]) : stderrLog.error(m)),
};

process.on('unhandledRejection', (reason) => {
  // A background task failed in a way nobody awaited; keep serving and leave a trace.
  log.error(`unhandled rejection: ${describe(reason)}`);
});

let service: RunningService;
let settings: TargetSettings;
try {
  settings = loadSettings(process.env);
  service = await startService(settings, { log });
} catch (err) {
  process.stderr.write(`target-service failed to start: ${describe(err)}\n`);
  process.exit(1);
}

const startupLines = held;
held = undefined;
for (const [level, message] of startupLines) log[level](message);

process.stdout.write(`target-service listening on http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${service.port}\n`);
if (process.send) {
  process.send({ type: 'listening', port: service.port } satisfies ListeningMessage);
  // Test-only hooks, reachable only by the process that forked this one (ticketbench's nemesis).
  process.on('message', (message: unknown) => {
    const hook = (message as Partial<TestHookMessage> | null)?.type === 'test-hook' ? (message as TestHookMessage) : undefined;
    if (!hook) return;
    const done = hook.action === 'crash-consumer' ? service.consumerCrash.crashAfterNextApply().then((c) => `crashed after applying event ${c.eventId} at reservation.confirmed[${c.partition}]@${c.offset}, before committing its offset`) : service.consumerCrash.restartAfterCrash().then(() => 'consumer started again from the committed offsets');
    void done.then(
      (detail) => process.send?.({ type: 'test-hook-result', id: hook.id, ok: true, detail } satisfies TestHookResult),
      (err: unknown) => process.send?.({ type: 'test-hook-result', id: hook.id, ok: false, detail: describe(err) } satisfies TestHookResult),
    );
  });
}

let stopping = false;
const shutdown = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: closing`);
  setTimeout(() => {
    log.error(`close did not finish within ${CLOSE_DEADLINE_MS} ms; exiting`);
    process.exit(1);
  }, CLOSE_DEADLINE_MS).unref();
  service
    .close()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      log.error(`close failed: ${describe(err)}`);
      process.exit(1);
    });
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
