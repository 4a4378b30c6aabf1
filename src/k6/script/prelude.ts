/**
 * The types an exported k6 script needs from the profile's zod schema, which it cannot embed,
 * written out structurally; test/k6/runtime.test.ts proves the real types are assignable to these,
 * so the embedded sources type-check against the same shapes. (HttpMethod and HttpResponse are
 * copied from src/engine/http-client.ts by the exporter itself.)
 */
import type { HttpMethod } from '../../engine/http-client.ts';


/** A JSON scalar in a profile. */
type ProfileScalar = string | number | boolean | null;

/** A condition on an answer (src/profile/schema.ts AnswerMatch). */
export interface AnswerMatch {
  readonly status?: readonly (number | '1xx' | '2xx' | '3xx' | '4xx' | '5xx')[] | undefined;
  readonly json?: { readonly path: string; readonly in: readonly ProfileScalar[] } | undefined;
}

/** Where a recorded value comes from (src/profile/schema.ts Capture). */
export type Capture = string | { readonly from: string; readonly map: Readonly<Record<string, ProfileScalar>> };

/** One HTTP operation of a profile (src/profile/schema.ts OperationSpec), the fields scripts read. */
export interface OperationSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: unknown;
  readonly ok: AnswerMatch;
  readonly fail?: AnswerMatch | readonly AnswerMatch[] | undefined;
  readonly reasons?: Readonly<Partial<Record<string, AnswerMatch | readonly AnswerMatch[]>>> | undefined;
  readonly replay?: AnswerMatch | undefined;
  readonly errorCode?: string | undefined;
  readonly capture: Readonly<Record<string, Capture>>;
}

/** The operations a profile may declare (src/profile/schema.ts OPERATION_NAMES). */
export type OperationName = 'hold' | 'pay' | 'charge' | 'balance' | 'queueEnter' | 'queueStatus' | 'queueLeave' | 'seatMap' | 'scheduleList' | 'concertList';
