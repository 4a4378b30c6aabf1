/**
 * The service's logger: one line per event on stderr (stdout carries only the "listening" line).
 * Injected everywhere so tests can capture or silence it.
 */
import { describeError as describe } from '../../src/util/describe-error.ts';

/** Where the service writes diagnostics. Each call is one line. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes `<ISO time> <LEVEL> <message>` lines to stderr. */
export function createStderrLogger(): Logger {
  const write = (level: string, message: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${level} ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  };
  return {
    info: (message) => write('INFO', message),
    warn: (message) => write('WARN', message),
    error: (message) => write('ERROR', message),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Logs a recurring failure once per outage instead of once per retry, and the recovery once.
 * Why: the relay and the sweep retry every few milliseconds while a datastore is down.
 */
export class OutageLog {
  private down = false;

  /**
   * @param log where to write.
   * @param what short name of the activity, e.g. `outbox relay`.
   */
  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  /** Records a failed attempt; logs only the first of a run of failures. */
  failed(err: unknown): void {
    if (this.down) return;
    this.down = true;
    this.log.warn(`${this.what}: ${describe(err)}; retrying quietly until it recovers`);
  }

  /** Records a successful attempt; logs the recovery when an outage was logged. */
  succeeded(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info(`${this.what}: recovered`);
  }

  /** True while the last attempt failed. */
  get isDown(): boolean {
    return this.down;
  }
}

/** A one-line description of any thrown value (code prefix when the error has one); the toolkit's own helper. */
export { describe };
