/**
 * Reading and validating request input (headers, path parameters). Every parser throws
 * BadRequestError with a message naming the offending input.
 */
import type { Request } from 'express';
import { BadRequestError } from './envelope.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID in the 8-4-4-4-12 hex form (any version, any case). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * A UUID from `what`, lower-cased: MySQL compares CHAR columns case-insensitively but Redis keys
 * do not, so one spelling is used everywhere.
 * @throws BadRequestError when `value` is not a UUID.
 */
export function uuidFrom(value: unknown, what: string): string {
  if (!isUuid(value)) throw new BadRequestError(`${what} must be a UUID`);
  return value.toLowerCase();
}

/**
 * The caller's identity from the `X-User-Key` header.
 * @throws BadRequestError when the header is missing or not a UUID.
 */
export function userKeyOf(req: Request): string {
  return uuidFrom(req.get('x-user-key'), 'X-User-Key header');
}

/**
 * The `:performanceId` path parameter as a positive integer.
 * @throws BadRequestError when it is not one (or exceeds the safe integer range).
 */
export function performanceIdOf(req: Request): number {
  const raw = String(req.params.performanceId ?? '');
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || id <= 0) throw new BadRequestError('performanceId must be a positive integer');
  return id;
}

/**
 * The `:seatCode` path parameter (1..16 characters, the column's width).
 * @throws BadRequestError when it is empty or too long.
 */
export function seatCodeOf(req: Request): string {
  const code = String(req.params.seatCode ?? '');
  if (code.length < 1 || code.length > 16) throw new BadRequestError('seatCode must be 1..16 characters');
  return code;
}
