/**
 * Appends `value` to the array kept under `key`, creating it on first use. The checkers group up to
 * millions of rows by seat or reservation: one array per key grown in place, where copying it on
 * each append (`[...old, value]`) made grouping quadratic per key and the garbage collector the
 * largest cost of a check (bench:checks).
 */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
