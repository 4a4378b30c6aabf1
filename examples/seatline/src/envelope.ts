/**
 * The JSON envelope every answer uses, `{ code, message, data }`, and the route wrapper that
 * sends it. In this design the HTTP status does not tell success: business outcomes (a taken
 * seat, too few points) are 200 with a code other than "OK"; only malformed requests (400),
 * a missing queue token (403), unknown routes (404) and crashes (500) use other statuses.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** The body of every answer. `data` is null unless `code` is "OK". */
export interface Envelope {
  readonly code: string;
  readonly message: string;
  readonly data: object | null;
}

/** An answer a route computed: HTTP status plus envelope. */
export interface Reply {
  readonly status: number;
  readonly body: Envelope;
}

/** A successful answer: 200, code "OK". */
export function ok(data: object, message = 'ok'): Reply {
  return { status: 200, body: { code: 'OK', message, data } };
}

/**
 * A business outcome other than success: still HTTP 200, the code says what happened.
 * @param code e.g. SEAT_UNAVAILABLE, POINT_NOT_ENOUGH.
 */
export function outcome(code: string, message: string): Reply {
  return { status: 200, body: { code, message, data: null } };
}

/** An answer with a non-200 status (400, 403, 404, 500). */
export function failure(status: number, code: string, message: string): Reply {
  return { status, body: { code, message, data: null } };
}

/**
 * Thrown by input parsing; the app answers it with 400 BAD_REQUEST and the message.
 */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

/** Writes a reply to the response. */
export function send(res: Response, reply: Reply): void {
  res.status(reply.status).json(reply.body);
}

/**
 * Adapts a request → reply function into an Express handler. Thrown errors go to the app's error
 * handler (BadRequestError → 400, anything else → 500).
 */
export function route(handler: (req: Request) => Promise<Reply>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    handler(req).then((reply) => send(res, reply), next);
  };
}
