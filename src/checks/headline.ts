/**
 * Headlines that name what broke: a checker's offending rows counted by kind, each kind in words,
 * so a reader of the summary line alone knows the cause, not only that something failed.
 */
import type { EvidenceRow } from './types.ts';

/** How a headline words a kind of violation, from how many there were. */
export type KindPhrases = Readonly<Record<string, (n: number) => string>>;

/**
 * Counts `violations` by their `anomaly` field, in the order each kind is first seen, and words
 * each count with `phrases` (an unknown kind as `<n> <kind>`), e.g. `1 guard row(s) without a
 * matching CONFIRMED reservation, 2 CONFIRMED reservation(s) without a payment`.
 * @param weight how much one row counts (default 1), e.g. the rows an `oversold` row stands for
 */
export function countKinds(violations: readonly EvidenceRow[], phrases: KindPhrases, weight: (row: EvidenceRow) => number = () => 1): string {
  const counts = new Map<string, number>();
  for (const v of violations) {
    const kind = String(v['anomaly']);
    counts.set(kind, (counts.get(kind) ?? 0) + weight(v));
  }
  return [...counts].map(([kind, n]) => phrases[kind]?.(n) ?? `${n} ${kind}`).join(', ');
}
