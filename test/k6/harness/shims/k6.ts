/** Shim of the `k6` module for the harness: what exported scripts may use of it. */
export function sleep(_seconds: number): void {}
export function check<T>(value: T, sets: Record<string, (v: T) => boolean>): boolean {
  return Object.values(sets).every((f) => f(value));
}
export function group<T>(_name: string, fn: () => T): T {
  return fn();
}
export default { sleep, check, group };
