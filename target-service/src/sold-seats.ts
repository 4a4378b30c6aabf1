/**
 * Seats this process knows to be SOLD. A sale is final in this service (nothing turns a SOLD seat
 * back to AVAILABLE; only the test-only `expire-paid` sweep does, and the memo is off then), so a
 * seat once read SOLD can be refused at once ever after, without the seat lock or MySQL: in a
 * flash sale most holds are lost races on seats already sold, and they were the target's busiest
 * path (issue 15: the target, not the generator, saturated its core). Each instance learns on its
 * own, from its reads; a seat not known here takes the normal path, so the memo can only be
 * behind, never wrong.
 */

/** Most seats remembered; past it the memo starts again empty (a bound on memory, not a cache policy: forgetting only costs the slow path). */
export const SOLD_SEATS_CAPACITY = 500_000;

/** The memo of sold seats, by schedule id and seat number. */
export class SoldSeats {
  private readonly seats = new Set<string>();

  /** True when the seat was read SOLD by this process. */
  has(scheduleId: number, seatNo: string): boolean {
    return this.seats.has(`${scheduleId}/${seatNo}`);
  }

  /** Remembers a seat read SOLD. */
  add(scheduleId: number, seatNo: string): void {
    if (this.seats.size >= SOLD_SEATS_CAPACITY) this.seats.clear();
    this.seats.add(`${scheduleId}/${seatNo}`);
  }

  /** Seats remembered. */
  get size(): number {
    return this.seats.size;
  }
}
