/**
 * Reads a service's answer the way its profile says: which answers are `ok`, which a definite
 * `fail`, and which values to record. Anything the profile does not recognise is `info` for an
 * operation that changes state (it may have happened) and `fail` for a read (Jepsen: a failed read
 * changed nothing), with the answer's first 200 characters as evidence.
 */
import type { HttpResponse } from '../engine/http-client.ts';
import { fail, info, ok, type OpFields, type OpResult } from '../engine/op-result.ts';
import type { AnswerMatch, Capture, OperationSpec } from './schema.ts';
import { readPath } from './template.ts';

/** How much of an unreadable answer is kept as evidence, characters. */
export const EVIDENCE_CHARS = 200;

/** Default `fail`: the service refused the request. */
const ANY_4XX: readonly AnswerMatch[] = [{ status: ['4xx'] }];

/** True when the answer meets every part of `match`. */
export function answerMatches(match: AnswerMatch, res: Pick<HttpResponse, 'status' | 'json'>): boolean {
  if (match.status && !match.status.some((s) => (typeof s === 'number' ? s === res.status : Math.floor(res.status / 100) === Number(s[0])))) return false;
  if (match.json) {
    const value = readPath(res.json, match.json.path);
    if (!match.json.in.some((v) => v === value)) return false;
  }
  return true;
}

/** The value a capture reads from the answer (a header, or a JSON path, then mapped), or undefined. */
export function readCapture(capture: Capture, res: Pick<HttpResponse, 'headers' | 'json'>): unknown {
  const from = typeof capture === 'string' ? capture : capture.from;
  let value: unknown;
  if (from.startsWith('header:')) {
    const raw = res.headers[from.slice('header:'.length).toLowerCase()];
    value = Array.isArray(raw) ? raw[0] : raw;
  } else {
    value = readPath(res.json, from);
  }
  if (typeof capture === 'string' || value === undefined) return value;
  const key = String(value);
  // Not Object.hasOwn: this source also runs in k6's JavaScript runtime (src/k6/export.ts).
  return Object.prototype.hasOwnProperty.call(capture.map, key) ? capture.map[key] : undefined;
}

/**
 * An outcome, marked `unreadable` when the profile could not read a success answer (an `ok` without
 * a required value, or a 2xx it recognises neither as ok nor as a failure).
 */
export type ClassifiedAnswer = OpResult & { readonly unreadable?: true };

/** What one operation must capture from an `ok` answer, and which captures are numbers. */
export interface CaptureContract {
  /** Captures without which an `ok` answer is unreadable (e.g. the reservation id of a hold). */
  readonly required: readonly string[];
  /** Captures that must be whole numbers (a header's text is converted). */
  readonly integers?: readonly string[];
  /** A read: an unreadable or unknown answer is `fail`, not `info`. */
  readonly read?: boolean;
}

/**
 * Classifies an answer by the operation's profile and returns the outcome to record.
 * - `ok` (matches `ok`; every required capture present): the captures, `status`, and `applied`
 *   (false when it also matches `replay`) when `replayable`;
 * - `fail` (matches one of `fail`, default any 4xx): `status`, the error code when readable, and
 *   `reason` when it matches one of the operation's `reasons`;
 * - otherwise `info` (`fail` for a read), with the first 200 characters of the answer.
 */
export function classifyAnswer(spec: OperationSpec, contract: CaptureContract, res: HttpResponse, replayable = false): ClassifiedAnswer {
  const unknown = contract.read ? (fields: OpFields, error: string) => fail(fields, error) : (fields: OpFields, error: string) => info(error, fields);
  // Captures are recorded whatever the outcome (a lost race may still say how many attempts it took).
  const fields: Record<string, string | number | boolean | null> = { status: res.status };
  for (const [name, capture] of Object.entries(spec.capture)) {
    const scalar = toScalar(readCapture(capture, res), contract.integers?.includes(name) ?? false);
    if (scalar !== undefined) fields[name] = scalar;
  }
  if (answerMatches(spec.ok, res)) {
    const missing = contract.required.filter((name) => fields[name] === undefined);
    if (missing.length > 0) return { ...unknown({ status: res.status }, `${res.status} without ${missing.join(', ')}: ${evidence(res)}`), unreadable: true };
    if (replayable) fields['applied'] = !(spec.replay && answerMatches(spec.replay, res));
    return ok(fields);
  }
  const code = errorCodeOf(spec, res);
  if (code !== undefined) fields['code'] = code;
  const fails = spec.fail === undefined ? ANY_4XX : Array.isArray(spec.fail) ? spec.fail : [spec.fail];
  if (fails.some((m) => answerMatches(m, res))) {
    const reason = Object.entries(spec.reasons ?? {}).find(([, matches]) => matchesAny(matches, res))?.[0];
    if (reason !== undefined) fields['reason'] = reason;
    return fail(fields, code ?? `HTTP ${res.status}`);
  }
  // A success status the profile recognises neither as ok nor as a failure is a profile that does
  // not fit the service; a 5xx is the service's own trouble.
  const outcome = unknown(fields, `HTTP ${res.status}${code === undefined ? '' : ` ${code}`}: ${evidence(res)}`);
  return res.status < 300 ? { ...outcome, unreadable: true } : outcome;
}

function matchesAny(matches: AnswerMatch | readonly AnswerMatch[] | undefined, res: HttpResponse): boolean {
  if (matches === undefined) return false;
  return (Array.isArray(matches) ? matches : [matches]).some((m: AnswerMatch) => answerMatches(m, res));
}

/** The first 200 characters of an answer's body, on one line. */
export function evidence(res: Pick<HttpResponse, 'text'>): string {
  return res.text.slice(0, EVIDENCE_CHARS).replace(/\s+/g, ' ');
}

function errorCodeOf(spec: OperationSpec, res: HttpResponse): string | undefined {
  // Without a declared path, the common `{ error: { code } }` shape is tried.
  const value = readPath(res.json, spec.errorCode ?? 'error.code');
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function toScalar(value: unknown, integer: boolean): string | number | boolean | null | undefined {
  if (value === undefined) return undefined;
  if (integer) {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    return Number.isInteger(n) ? n : undefined;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return undefined;
}
