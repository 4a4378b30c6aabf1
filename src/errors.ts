/**
 * Typed errors with stable codes and the process exit codes they map to.
 * One top-level handler (src/cli/main.ts) turns any TicketbenchError into a one-line message
 * and its exit code; anything else is a bug and is reported as such.
 * Modelled on k6's named exit codes (errext/exitcodes) and undici's coded errors.
 */

/**
 * Process exit codes of the `ticketbench` command, documented in the README. Named as k6 names
 * its own (errext/exitcodes/codes.go: ThresholdsHaveFailed 99, InvalidConfig 104,
 * ExternalAbort 105), but small and ordered by what a CI job most needs to tell apart.
 */
export const ExitCode = {
  /** Every check passed and every threshold held. */
  OK: 0,
  /** At least one integrity check failed or could not decide (unknown). Correctness beats speed: this wins over 3 and 5. */
  CHECKS_FAILED: 1,
  /** Bad usage: options, config, thresholds, unknown scenario. */
  INVALID_CONFIG: 2,
  /** @deprecated the old name of INVALID_CONFIG (same value), kept so existing callers compile. */
  USAGE: 2,
  /** Every check passed but at least one threshold failed (k6's ThresholdsHaveFailed). */
  THRESHOLDS_FAILED: 3,
  /**
   * MySQL, Redis or Kafka unreachable or not startable, the Kafka jars not fetchable, the bundled
   * target not starting, or a target that cannot be reached or answers garbage at setup.
   */
  INFRA_UNAVAILABLE: 4,
  /** The load was stopped early: an `abortOnFail` threshold was breached, or Ctrl-C. */
  ABORTED: 5,
  /** An unexpected error: a bug (70 is EX_SOFTWARE in sysexits.h). */
  INTERNAL: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The documented name of an exit code, e.g. `THRESHOLDS_FAILED` for 3; `UNKNOWN` for a code ticketbench never returns. */
export function exitCodeName(code: number): string {
  switch (code) {
    case ExitCode.OK:
      return 'OK';
    case ExitCode.CHECKS_FAILED:
      return 'CHECKS_FAILED';
    case ExitCode.INVALID_CONFIG:
      return 'INVALID_CONFIG';
    case ExitCode.THRESHOLDS_FAILED:
      return 'THRESHOLDS_FAILED';
    case ExitCode.INFRA_UNAVAILABLE:
      return 'INFRA_UNAVAILABLE';
    case ExitCode.ABORTED:
      return 'ABORTED';
    case ExitCode.INTERNAL:
      return 'INTERNAL';
    default:
      return 'UNKNOWN';
  }
}

/** Stable machine-readable error codes. */
export type ErrorCode =
  | 'INVALID_OPTION'
  | 'INVALID_PROFILE'
  | 'UNKNOWN_SCENARIO'
  | 'INFRA_UNAVAILABLE'
  | 'KAFKA_SETUP_FAILED'
  | 'TARGET_START_FAILED'
  | 'TARGET_BAD_RESPONSE'
  | 'SETUP_FAILED';

/**
 * The exit code each error code gives unless the thrower says otherwise: what the user got
 * wrong is 2, what is missing or broken around ticketbench (servers, jars, the target) is 4.
 */
export const DEFAULT_EXIT_CODES: Readonly<Record<ErrorCode, ExitCode>> = {
  INVALID_OPTION: ExitCode.INVALID_CONFIG,
  INVALID_PROFILE: ExitCode.INVALID_CONFIG,
  UNKNOWN_SCENARIO: ExitCode.INVALID_CONFIG,
  INFRA_UNAVAILABLE: ExitCode.INFRA_UNAVAILABLE,
  KAFKA_SETUP_FAILED: ExitCode.INFRA_UNAVAILABLE,
  TARGET_START_FAILED: ExitCode.INFRA_UNAVAILABLE,
  TARGET_BAD_RESPONSE: ExitCode.INFRA_UNAVAILABLE,
  SETUP_FAILED: ExitCode.INFRA_UNAVAILABLE,
};

/**
 * An expected failure: a message for the user (one line, says what to do) plus the exit code
 * (by default DEFAULT_EXIT_CODES[code]). `hint` is an optional second sentence appended to the message.
 */
export class TicketbenchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  /** One line per problem, printed under the message (e.g. each invalid field of a profile with its path). */
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown; details?: readonly string[] } = {}) {
    super(message, { cause: options.cause });
    this.name = 'TicketbenchError';
    this.code = code;
    this.exitCode = options.exitCode ?? DEFAULT_EXIT_CODES[code];
    this.hint = options.hint;
    this.details = options.details ?? [];
  }

  /** The message and hint on one line, as printed to the user. */
  oneLine(): string {
    const text = this.hint ? `${this.message} ${this.hint}` : this.message;
    return text.replace(/\s*\n\s*/g, ' ');
  }
}

export { describeError } from './util/describe-error.ts';
