/**
 * The seat map of a performance: every seat with its price and whether it can be held.
 */
import type { RowDataPacket } from 'mysql2';
import type { Pool } from './db.ts';

/** One seat as the map shows it. HELD means a hold that has not lapsed; SOLD means paid. */
export interface SeatView {
  readonly seatCode: string;
  readonly price: number;
  readonly status: 'AVAILABLE' | 'HELD' | 'SOLD';
}

/**
 * Lists the performance's seats in seat-code order, status derived from reservations (a lapsed
 * hold counts as AVAILABLE even before the sweeper marked it EXPIRED).
 * @returns an empty list for an unknown performance.
 * @throws the SQL error.
 */
export async function seatMap(pool: Pool, performanceId: number): Promise<SeatView[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT s.seat_code, s.price_point,
            MAX(r.state = 'PAID') AS sold,
            MAX(r.state = 'HOLDING' AND r.hold_until > NOW(6)) AS held
       FROM performance_seat s
       LEFT JOIN seat_reservation r
         ON r.performance_id = s.performance_id AND r.seat_code = s.seat_code AND r.state IN ('PAID', 'HOLDING')
      WHERE s.performance_id = ?
      GROUP BY s.seat_code, s.price_point
      ORDER BY s.seat_code`,
    [performanceId],
  );
  return rows.map((row) => ({
    seatCode: String(row.seat_code),
    price: Number(row.price_point),
    status: Number(row.sold) === 1 ? 'SOLD' : Number(row.held) === 1 ? 'HELD' : 'AVAILABLE',
  }));
}
