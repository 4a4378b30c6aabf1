/**
 * Entry point: `node --import tsx examples/seatline/src/main.ts`. Prints the port on stdout (and,
 * when forked, sends `{ type: 'listening', port }` to the parent); SIGTERM/SIGINT shut down and
 * exit 0; a startup failure is one stderr line and exit code 1.
 */
import { loadConfig } from './config.ts';
import { consoleLogger, describeError } from './log.ts';
import { startService, type Service } from './service.ts';

/** The IPC message a forking parent receives once requests are accepted. */
export interface ListeningMessage {
  readonly type: 'listening';
  readonly port: number;
}

// A shutdown stuck on a dead datastore must still end the process.
const SHUTDOWN_DEADLINE_MS = 15_000;

let service: Service;
try {
  const config = loadConfig(process.env);
  service = await startService(config, consoleLogger);
  consoleLogger.info(`listening on http://127.0.0.1:${service.port} (fault: ${config.fault})`);
} catch (err) {
  process.stderr.write(`seatline failed to start: ${describeError(err)}\n`);
  process.exit(1);
}

if (process.send) process.send({ type: 'listening', port: service.port } satisfies ListeningMessage);

process.on('unhandledRejection', (reason) => consoleLogger.warn(`unhandled rejection: ${describeError(reason)}`));

let stopping = false;
const shutdown = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  consoleLogger.info(`${signal}: shutting down`);
  setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
  void service.close().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
