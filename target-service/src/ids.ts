/** zod schemas for the ids and names every route validates. */
import { z } from 'zod';

/** A positive integer id in a JSON body (a JSON number, not a string). */
export const idSchema = z.int().positive();

/** A positive integer id in a URL path segment, e.g. `/api/reservations/42`. */
export const pathIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'must be a positive integer')
  .transform(Number)
  .pipe(z.int().positive());

/** A seat number as stored in `seats.seat_no` (VARCHAR(32)). */
export const seatNoSchema = z.string().min(1).max(32);
