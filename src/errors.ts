/**
 * Typed errors with stable codes and the process exit codes they map to.
 * One top-level handler (src/cli/main.ts) turns any TicketbenchError into a one-line message
 * and its exit code; anything else is a bug and is reported as such.
 * Modelled on k6's named exit codes (errext/exitcodes) and undici's coded errors.
 */

/** Process exit codes of the `ticketbench` command, documented in the README. */
export const ExitCode = {
  /** Every check passed. */
  OK: 0,
  /** At least one integrity check failed (or could not decide: unknown). */
  CHECKS_FAILED: 1,
  /** Bad usage (options, config) or infrastructure that could not be brought up. */
  USAGE: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable machine-readable error codes. */
export type ErrorCode =
  | 'INVALID_OPTION'
  | 'UNKNOWN_SCENARIO'
  | 'INFRA_UNAVAILABLE'
  | 'KAFKA_SETUP_FAILED'
  | 'TARGET_START_FAILED'
  | 'TARGET_BAD_RESPONSE'
  | 'SETUP_FAILED';

/**
 * An expected failure: a message for the user (one line, says what to do) plus the exit code.
 * `hint` is an optional second sentence appended to the message.
 */
export class TicketbenchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'TicketbenchError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.USAGE;
    this.hint = options.hint;
  }

  /** The message and hint on one line, as printed to the user. */
  oneLine(): string {
    const text = this.hint ? `${this.message} ${this.hint}` : this.message;
    return text.replace(/\s*\n\s*/g, ' ');
  }
}

/** Short description of any thrown value, for one-line messages and evidence. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const base = err.message || err.name;
    return typeof code === 'string' && !base.includes(code) ? `${code}: ${base}` : base;
  }
  return String(err);
}
