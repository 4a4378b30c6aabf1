/**
 * HTTP errors and the one Express error handler that turns anything thrown into
 * `{ error: { code, message } }`. Stacks are logged, never sent.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { describe, type Logger } from './log.ts';

/** An expected failure with its HTTP status and a stable UPPER_SNAKE code. */
export class HttpError extends Error {
  /**
   * @param status HTTP status, 4xx or 5xx.
   * @param code stable machine-readable code, e.g. `SEAT_LOCKED`.
   * @param message one sentence for humans.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The body of every error answer. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** MySQL/MariaDB duplicate-key error (errno 1062). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && ((err as { errno?: unknown }).errno === 1062 || (err as { code?: unknown }).code === 'ER_DUP_ENTRY');
}

/**
 * Parses `input` with a zod schema or throws 400 BAD_REQUEST naming each bad field,
 * e.g. `userId: Invalid input: expected number, received undefined`.
 * @param what what is parsed (`body`, `path`), used when the whole value is wrong.
 */
export function parseOrBadRequest<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : what}: ${issue.message}`);
  throw new HttpError(400, 'BAD_REQUEST', problems.join('; '));
}

/** Final middleware for requests no route matched: 404 NOT_FOUND. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}.`));
};

/**
 * The one error handler. HttpError → its status; body-parser failures (malformed JSON, too
 * large) → their 4xx; anything else → 500 INTERNAL with the message logged.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      // Express closes the connection when a handler fails mid-stream; nothing else to send.
      next(err);
      return;
    }
    const { status, body } = toErrorAnswer(err);
    if (status >= 500) log.error(`${req.method} ${req.originalUrl} failed: ${describe(err)}`);
    res.status(status).json(body);
  };
}

function toErrorAnswer(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.status, body: { error: { code: err.code, message: err.message } } };
  const parserType = (err as { type?: unknown } | null)?.type;
  const parserStatus = (err as { status?: unknown } | null)?.status;
  if (parserType === 'entity.parse.failed') {
    return { status: 400, body: { error: { code: 'BAD_REQUEST', message: 'Malformed JSON body.' } } };
  }
  if (typeof parserType === 'string' && typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
    const code = parserStatus === 413 ? 'PAYLOAD_TOO_LARGE' : parserStatus === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return { status: parserStatus, body: { error: { code, message: (err as Error).message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal error; see the service log.' } } };
}
