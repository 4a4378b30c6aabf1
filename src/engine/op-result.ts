/**
 * How an operation completed and what the system answered: the outcome shapes and their
 * constructors. Dependency-free on purpose: the same source is embedded into exported k6 scripts
 * (src/k6/embed.ts), so an answer is classified there exactly as here.
 */

/** How an operation completed. */
export type OpOutcome = 'ok' | 'fail' | 'info';

/** Plain JSON-able values carried by operations. */
export type OpFields = Readonly<Record<string, string | number | boolean | null>>;

/** The result of an operation that carried none; shared, so that a million of them cost nothing. */
export const NO_FIELDS: OpFields = Object.freeze({});

/** How a scenario's operation completed, and what the system answered. */
export interface OpResult {
  readonly type: OpOutcome;
  readonly result?: OpFields;
  readonly error?: string;
}

/** The operation happened; `result` carries what the system answered (e.g. `{ reservationId }`). */
export const ok = (result: OpFields = NO_FIELDS): OpResult => ({ type: 'ok', result });
/** The operation definitely did not happen (e.g. a 409). */
export const fail = (result: OpFields = NO_FIELDS, error?: string): OpResult => ({ type: 'fail', result, ...(error ? { error } : {}) });
/** The outcome is unknown (timeout, 5xx, an answer that makes no sense). */
export const info = (error: string, result: OpFields = NO_FIELDS): OpResult => ({ type: 'info', result, error });
