/**
 * Line-oriented logging: information to stdout, problems to stderr, one line per message.
 */

/** Where the service's modules write what happened. */
export interface Logger {
  /** Normal progress (startup steps, the port). */
  info(message: string): void;
  /** Something failed but the service keeps going (a relay tick, a bad message). */
  warn(message: string): void;
}

/** The process logger: `seatline: ...` lines on stdout (info) and stderr (warn). */
export const consoleLogger: Logger = {
  info: (message) => process.stdout.write(`seatline: ${message}\n`),
  warn: (message) => process.stderr.write(`seatline: ${message}\n`),
};

/**
 * A readable one-line description of a thrown value (its message, or its string form).
 */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describeError(err.errors[0]);
  if (err instanceof Error) return (err.message || err.name).replace(/\s+/g, ' ');
  return String(err);
}
