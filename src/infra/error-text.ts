/**
 * One-line descriptions of driver errors, for ServerStatus.error and TicketbenchError messages.
 */
import { describeError } from '../errors.ts';

const MAX_LENGTH = 300;

/**
 * Describes any thrown value on one line (at most 300 characters).
 * Node reports a refused connection to `localhost` (tried on ::1 and 127.0.0.1) as an
 * AggregateError with an empty message, so its first inner error is used instead.
 */
export function oneLineError(err: unknown): string {
  let text: string;
  if (err instanceof AggregateError && !err.message && err.errors.length > 0) {
    text = describeError(err.errors[0]);
  } else {
    text = describeError(err);
  }
  text = text.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
