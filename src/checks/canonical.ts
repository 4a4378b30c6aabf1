/**
 * The checks' one door to the service's database: the canonical row sets of its profile
 * (src/profile/schema.ts, CANONICAL_QUERIES), run with the run's scope bound as parameters and
 * their columns checked. A query the profile does not give makes the checker `skipped` with the
 * reason, never a silent pass.
 */
import { CANONICAL_QUERIES, type CanonicalQueryName } from '../profile/schema.ts';
import type { Id } from '../profile/target-ops.ts';
import { renderSql } from '../profile/template.ts';
import type { CheckScope, StoreClients } from './checker.ts';
import { selectRows } from './sql.ts';
import { CheckSkipped } from './types.ts';

export { CheckSkipped } from './types.ts';

/** A canonical row: the query's named columns (numbers, strings, or null), and any others it returned. */
export type CanonicalRow<N extends CanonicalQueryName> = Readonly<Record<(typeof CANONICAL_QUERIES)[N][number], unknown>> & Readonly<Record<string, unknown>>;

/** How a checker wants a row set: `fresh` reads the database again even when an earlier checker of the run read it. */
export interface CanonicalReadOptions {
  readonly fresh?: boolean;
}

/**
 * Runs the profile's `name` query for this run's scope: `{scheduleIds}`, `{userIds}` (the wallet
 * users), `{consumerGroup}`, `{topic}`.
 *
 * A run's checkers judge one final state, and over a large run reading it is most of their time
 * (a million reservations take seconds to read; bench:checks), so a row set one checker of the
 * run read is handed to the later ones (`stores.rowCache`, one per runCheckers call) unless they ask
 * for a `fresh` read (kafka-events, once the outbox and consumer have settled), which replaces it.
 * `nowUs` (the database clock) is always read.
 * @throws CheckSkipped when the profile has no such query; Error naming the query for an SQL error
 *   or a missing column (runCheckers makes it `unknown`).
 */
export async function canonicalRows<N extends CanonicalQueryName>(stores: StoreClients, scope: CheckScope, name: N, options: CanonicalReadOptions = {}): Promise<CanonicalRow<N>[]> {
  const cacheable = name !== 'nowUs' && stores.rowCache !== undefined;
  const cached = cacheable && !options.fresh ? stores.rowCache!.get(name) : undefined;
  if (cached !== undefined) return cached as CanonicalRow<N>[];
  const rows = await readCanonicalRows(stores, scope, name);
  if (cacheable) stores.rowCache!.set(name, rows);
  return rows;
}

async function readCanonicalRows<N extends CanonicalQueryName>(stores: StoreClients, scope: CheckScope, name: N): Promise<CanonicalRow<N>[]> {
  const template = stores.profile.mysql?.queries[name];
  if (template === undefined) throw new CheckSkipped(`profile "${stores.profileName}" gives no stores.mysql.queries.${name}`);
  let rows: Record<string, unknown>[];
  try {
    const { sql, params } = renderSql(template, {
      scheduleIds: scope.scheduleIds,
      userIds: scope.wallets?.userIds ?? [],
      consumerGroup: scope.consumerGroup,
      topic: stores.profile.kafka?.topic,
    });
    rows = await selectRows<Record<string, unknown>>(stores.mysql, sql, params);
  } catch (err) {
    throw new Error(`stores.mysql.queries.${name}: ${(err as Error).message}`, { cause: err });
  }
  const first = rows[0];
  if (first !== undefined) {
    const missing = CANONICAL_QUERIES[name].filter((column) => !(column in first));
    if (missing.length > 0) throw new Error(`stores.mysql.queries.${name} returned no column ${missing.join(', ')} (alias them: AS ${missing[0]})`);
  }
  return rows as CanonicalRow<N>[];
}

/** True when the profile gives the query (for checks that use it only when present, like a guard table). */
export function hasQuery(stores: StoreClients, name: CanonicalQueryName): boolean {
  return stores.profile.mysql?.queries[name] !== undefined;
}

/**
 * An id as a map key: the service's ids are numbers or strings (UUIDs), and the history and the
 * database must agree on one spelling (`12` and `'12'` are the same reservation).
 */
export function idKey(id: unknown): string {
  return typeof id === 'bigint' ? id.toString() : String(id);
}

/**
 * An id normalised for maps keyed by value: a number stays a number, a string of digits becomes
 * the number (a BIGINT read as text), any other string (a UUID) stays a string.
 */
export function normId(id: unknown): Id {
  if (typeof id === 'number') return id;
  const text = String(id);
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : text;
}
