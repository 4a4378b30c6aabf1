/**
 * Which seats a seat-map answer showed available, as a compact bitmap recorded in the history
 * (`seats` ops): a read of thousands of seats stays one short string per operation. Fixture seats
 * are numbered `S1`…`Sn` by every setup; bit i is seat `S{i+1}`.
 */

/** Bit i of a seat bitmap is seat `S{i+1}`: the index of a fixture seat number, or -1. */
export function seatIndexOf(seatNo: string): number {
  const m = /^S(\d+)$/.exec(seatNo);
  return m ? Number(m[1]) - 1 : -1;
}

/** Encodes which of `n` fixture seats (`S1`…`Sn`) are in `available` as base64 (bit i = seat S{i+1}). */
export function encodeSeatBitmap(available: readonly string[], n: number): string {
  const bytes = Buffer.alloc(Math.ceil(n / 8));
  for (const seatNo of available) {
    const i = seatIndexOf(seatNo);
    if (i >= 0 && i < n) bytes[i >> 3]! |= 1 << (i & 7);
  }
  return bytes.toString('base64');
}
