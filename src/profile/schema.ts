/**
 * The target profile format: how ticketbench drives a reservation service it did not write and
 * where the checks find that service's canonical rows. A profile is data, declared once here as
 * zod schemas; the TypeScript types come from them, so a `.ts` profile is completed by the editor
 * and a `.js`, `.json` or `.yaml` one is validated with the same messages (src/profile/load.ts).
 * docs/profiles.md documents every field with examples.
 */
import { z } from 'zod';

/** A JSON path into an answer: dot-separated keys and array indexes, e.g. `data.booking.uuid` or `items.0.id`; `` (empty) is the whole body. */
const jsonPath = z.string().regex(/^$|^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'a JSON path of dot-separated keys, e.g. data.reservation.id');

/** A response header name (lower or mixed case, compared case-insensitively). */
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name');

/** A scalar an answer field may be compared with. */
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * A condition on an answer: every given part must hold.
 * - `status`: the HTTP status is one of these (a number, or a class like `4xx`);
 * - `json`: the value at `path` in the JSON body is one of `in`.
 */
export const answerMatchSchema = z
  .object({
    status: z.array(z.union([z.number().int().min(100).max(599), z.enum(['1xx', '2xx', '3xx', '4xx', '5xx'])])).min(1).optional(),
    json: z.object({ path: jsonPath, in: z.array(scalar).min(1) }).strict().optional(),
  })
  .strict()
  .refine((m) => m.status !== undefined || m.json !== undefined, 'give status, json or both');

/** A condition on an answer. */
export type AnswerMatch = z.infer<typeof answerMatchSchema>;

/**
 * Where a recorded value comes from: a JSON path in the body (`data.bookingUuid`), a response
 * header (`header:hold-attempts`), optionally mapped through a table of values (the service's
 * `ACTIVE` is ticketbench's `admitted`).
 */
export const captureSchema = z.union([
  z.string().regex(/^(header:[A-Za-z0-9!#$%&'*+.^_`|~-]+|[A-Za-z0-9_$-]*(\.[A-Za-z0-9_$-]+)*)$/, 'a JSON path (data.id) or header:NAME'),
  z.object({ from: z.string(), map: z.record(z.string(), scalar) }).strict(),
]);

/** Where a recorded value comes from. */
export type Capture = z.infer<typeof captureSchema>;

/** Result fields ticketbench records itself on every operation: a capture may not take their names. */
const RECORDED_FIELDS: readonly string[] = ['status', 'code', 'reason', 'applied'];

const methodSchema = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * One HTTP operation. `path`, header values and the string leaves of `body` are templates: `{name}`
 * is replaced by the operation's variable (`{scheduleId}`, `{userId}`, ...); a leaf that is exactly
 * `{name}` keeps the variable's type (a number stays a number); a header or body field whose
 * variables are absent is left out. An answer matching `ok` is `ok`, one matching `fail` is a
 * definite `fail` (a lost race, sold out, insufficient funds), anything else `info` (for reads,
 * `fail`: a read changes nothing). `capture` names the values recorded in the history.
 */
export const operationSchema = z
  .object({
    method: methodSchema,
    path: z.string().startsWith('/', 'a path starting with /, e.g. /api/reservations'),
    headers: z.record(headerName, z.string()).optional(),
    body: z.unknown().optional(),
    ok: answerMatchSchema,
    /** Definite failures: any of these (default: any 4xx). */
    fail: z.union([answerMatchSchema, z.array(answerMatchSchema).min(1)]).optional(),
    /**
     * Why a definite failure failed, tried in order; the first match is recorded as `reason`.
     * Scenarios act on FAIL_REASONS: a `lost-race` hold (another user has the seat for now) is
     * worth another seat in a flash sale, `sold-out` ends a user's attempts, `insufficient-funds`
     * is a refused payment the wallet race counts. E.g.
     * `{ 'sold-out': { status: [409], json: { path: 'error.code', in: ['SOLD_OUT'] } }, 'lost-race': { status: [409] } }`.
     */
    reasons: z.partialRecord(z.enum(['lost-race', 'sold-out', 'insufficient-funds']), z.union([answerMatchSchema, z.array(answerMatchSchema).min(1)])).optional(),
    /** An `ok` answer that also matches this replays an earlier request (an idempotency key seen before): recorded `applied: false`. */
    replay: answerMatchSchema.optional(),
    /** A machine-readable error code of a non-ok answer, recorded as `code` (e.g. `error.code` or `code`). */
    errorCode: jsonPath.optional(),
    /**
     * seatMap only: which seats the answer shows available, for the seat-staleness check. `from` is
     * the path of an array; its items are seat numbers, or objects filtered by `where` whose seat
     * number is at `pick`. E.g. `{ from: 'seatNos' }` or
     * `{ from: 'data.seats', where: { path: 'status', in: ['AVAILABLE'] }, pick: 'seatCode' }`.
     */
    available: z
      .object({ from: jsonPath, where: z.object({ path: jsonPath, in: z.array(scalar).min(1) }).strict().optional(), pick: jsonPath.optional() })
      .strict()
      .optional(),
    capture: z
      .record(z.string().refine((name) => !RECORDED_FIELDS.includes(name), { message: `${RECORDED_FIELDS.join(', ')} are recorded by ticketbench itself; name the capture otherwise` }), captureSchema)
      .default({}),
  })
  .strict();

/** One HTTP operation of a profile. */
export type OperationSpec = z.infer<typeof operationSchema>;

/** The operations a profile may declare; a scenario needs only some (docs/profiles.md lists which). */
export const OPERATION_NAMES = ['hold', 'pay', 'charge', 'balance', 'queueEnter', 'queueStatus', 'queueLeave', 'seatMap', 'scheduleList', 'concertList'] as const;
/** One of OPERATION_NAMES. */
export type OperationName = (typeof OPERATION_NAMES)[number];

/**
 * Setup through the service's HTTP API: one request creates a schedule with its seats and users
 * (variables `{seats}`, `{users}`, `{name}`, `{price}`, `{points}`), and `capture` reads
 * `scheduleId`, `seatNos` (array), `userIds` (array) and optionally `concertId`, `price`, `points`.
 */
const httpSetupSchema = z
  .object({
    kind: z.literal('http'),
    method: methodSchema.default('POST'),
    path: z.string().startsWith('/'),
    headers: z.record(headerName, z.string()).optional(),
    body: z.unknown().optional(),
    ok: answerMatchSchema,
    capture: z.record(z.string(), captureSchema),
  })
  .strict();

/** Statements run for one created row, with its variables bound as parameters (never spliced into the SQL). */
const statements = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * Setup with SQL against the service's own database: `schedule` inserts the schedule (its id is
 * the statement's insert id, `{scheduleId}` afterwards), then `seat` runs once per seat with
 * `{seatNo}` built from `seatNo` (`S{i}`: i from 1) and `user` once per user with `{userId}` a
 * fresh UUID (`userId: 'uuid'`) or the insert id of its first statement (`'insertId'`).
 * Variables: `{name}`, `{price}` and `{points}` (points), `{i}`.
 */
const sqlSetupSchema = z
  .object({
    kind: z.literal('sql'),
    schedule: statements,
    seat: z.object({ seatNo: z.string().includes('{i}', { message: 'must contain {i}' }), sql: statements }).strict(),
    user: z.object({ userId: z.enum(['uuid', 'insertId']), sql: statements }).strict(),
    /** Seat price and initial points when a scenario does not choose them. */
    defaults: z.object({ price: z.number().int().nonnegative(), points: z.number().int().nonnegative() }).strict(),
  })
  .strict();

/**
 * Setup by a command of the user's (a seeding script, a CLI of the service), run from the
 * profile's folder with the request in its environment (`TICKETBENCH_SEATS`, `TICKETBENCH_USERS`,
 * `TICKETBENCH_NAME`, `TICKETBENCH_PRICE`, `TICKETBENCH_POINTS`, `TICKETBENCH_QUEUE_CAPACITY`,
 * `TICKETBENCH_QUEUE_PASS_TTL_MS`, `TICKETBENCH_QUEUE_ADVANCE_MS` when set, `TICKETBENCH_TARGET_URL`,
 * `TICKETBENCH_MYSQL_URL` of the service's database); it prints one JSON document on stdout, read
 * with `capture` as an HTTP setup's answer is. A non-zero exit is a failed setup.
 */
const commandSetupSchema = z
  .object({
    kind: z.literal('command'),
    command: z.array(z.string().min(1)).min(1),
    timeoutMs: z.number().int().positive().default(120_000),
    capture: z.record(z.string(), captureSchema),
  })
  .strict();

/** How a run creates its fresh data. */
export const setupSchema = z.discriminatedUnion('kind', [httpSetupSchema, sqlSetupSchema, commandSetupSchema]);
/** How a run creates its fresh data. */
export type SetupSpec = z.infer<typeof setupSchema>;

/**
 * The canonical row sets the checks read, each an SQL query against the service's database
 * returning the named columns (aliases). Placeholders: `{scheduleIds}` and `{userIds}` expand to
 * a parameter list, `{consumerGroup}` and `{topic}` to one parameter. docs/profiles.md lists the
 * columns and which checker needs which query; a checker whose query is absent is `skipped`.
 */
export const CANONICAL_QUERIES = {
  seats: ['scheduleId', 'seatNo'],
  reservations: ['id', 'scheduleId', 'seatNo', 'userId', 'status', 'createdUs', 'changedUs', 'expiresUs', 'paidUs'],
  payments: ['id', 'reservationId', 'userId'],
  guards: ['scheduleId', 'seatNo', 'reservationId'],
  outbox: ['eventId', 'reservationId', 'sent'],
  consumed: ['eventId', 'scheduleId'],
  soldCounts: ['scheduleId', 'soldCount'],
  wallets: ['userId', 'balance'],
  ledger: ['id', 'userId', 'amount', 'type', 'idempotencyKey', 'reservationId', 'balanceAfter'],
  reservationPrices: ['id', 'userId', 'status', 'price'],
  nowUs: ['nowUs'],
} as const satisfies Record<string, readonly string[]>;

/** A canonical query's name. */
export type CanonicalQueryName = keyof typeof CANONICAL_QUERIES;

const queriesSchema = z
  .object(Object.fromEntries(Object.keys(CANONICAL_QUERIES).map((name) => [name, z.string().min(1).optional()])) as Record<CanonicalQueryName, z.ZodOptional<z.ZodString>>)
  .strict();

/** The stores the checks read. */
export const storesSchema = z
  .object({
    mysql: z
      .object({
        /** The service's database on the run's MySQL server (`--mysql-url`'s when absent). */
        database: z.string().regex(/^[A-Za-z0-9_$]+$/, 'a database name').optional(),
        queries: queriesSchema,
      })
      .strict()
      .optional(),
    redis: z
      .object({
        /** Key of a seat's lock: `{scheduleId}` and `{seatNo}` templates; no lock checks when absent. */
        seatLockKey: z.string().includes('{scheduleId}', { message: 'must contain {scheduleId}' }).optional(),
        /**
         * A schedule's waiting queue in Redis (templates of `{scheduleId}` and `{database}`), read by
         * queue-ttl's sampler and the queue checks: `waiting`, a sorted set of the users in line;
         * `active`, a sorted set of the passes in force scored by their expiry (epoch ms), whose
         * members are user ids or pass tokens; optionally `passPrefix`, the prefix of per-user pass
         * keys (`…{userId}`), and `log`, a list of queue events in the bundled target's format
         * (target-service/src/waiting-queue.ts), which let the checks judge more. Without it
         * queue-ttl cannot run on the profile.
         */
        queue: z
          .object({
            waiting: z.string().includes('{scheduleId}', { message: 'must contain {scheduleId}' }),
            active: z.string().includes('{scheduleId}', { message: 'must contain {scheduleId}' }),
            passPrefix: z.string().includes('{scheduleId}', { message: 'must contain {scheduleId}' }).optional(),
            log: z.string().includes('{scheduleId}', { message: 'must contain {scheduleId}' }).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    kafka: z
      .object({
        topic: z.string().min(1),
        /** Where the event id is: a JSON path in the value, or `key` (the message key) or `header:NAME`. */
        eventId: z.string().min(1),
        /** Where the reservation id is, as `eventId`. */
        reservationId: z.string().min(1),
        /** Where the schedule id is, as `eventId`: events of other runs' schedules are ignored. */
        scheduleId: z.string().min(1),
        /** Only events whose value has this at this path count (e.g. `eventType` = `BOOKING_PAID`). */
        where: z.object({ path: jsonPath, in: z.array(scalar).min(1) }).strict().optional(),
        /** The consumer group of the service's consumer (`{database}` = the service database's name). */
        consumerGroup: z.string().min(1).optional(),
        /**
         * A header naming the service instance that published (several services may share a
         * topic with colliding ids): events whose header differs are ignored when ticketbench
         * started the service itself. `{database}` as above.
         */
        source: z.object({ header: z.string().min(1), value: z.string().min(1) }).strict().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The stores the checks read. */
export type StoresSpec = z.infer<typeof storesSchema>;

/**
 * How ticketbench starts the service when no `--target-url` is given: a command (run from the
 * profile's folder) with environment templates `{port}` (a free port ticketbench chose),
 * `{mysqlUrl}` (the run's server with the profile's database), `{redisUrl}`, `{kafkaBrokers}`,
 * `{holdTtlMs}`, `{lockTtlMs}`, and a waiting queue's `{queueCapacity}`, `{queuePassTtlMs}`,
 * `{queueAdvanceMs}` (queue-ttl's settings; other scenarios give the defaults 100, 2000, 250);
 * ready when `GET {health}` answers 2xx.
 */
export const startSchema = z
  .object({
    command: z.array(z.string().min(1)).min(1),
    env: z.record(z.string(), z.string()).default({}),
    health: z.string().startsWith('/'),
    timeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();

/** How ticketbench starts the service. */
export type StartSpec = z.infer<typeof startSchema>;

/** A whole target profile. */
export const profileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    description: z.string().optional(),
    /** `bundled`: started by ticketbench as the bundled target (strategies, cache); otherwise `start` or `--target-url`. */
    start: z.union([z.literal('bundled'), startSchema]).optional(),
    /**
     * What the service's times are (ms), so the checks judge by them: its seat-lock lease and hold
     * lifetime, its expiry sweep interval, and how long its read cache may serve an answer (0: no
     * cache).
     */
    timings: z
      .object({ lockTtlMs: z.number().int().positive(), holdTtlMs: z.number().int().positive(), expirySweepMs: z.number().int().positive(), cacheTtlMs: z.number().int().nonnegative() })
      .partial()
      .strict()
      .optional(),
    setup: setupSchema,
    operations: z.object(Object.fromEntries(OPERATION_NAMES.map((name) => [name, operationSchema.optional()])) as Record<OperationName, z.ZodOptional<typeof operationSchema>>).strict(),
    stores: storesSchema.default({}),
  })
  .strict();

/** A validated target profile (defaults filled in). */
export type TargetProfile = z.output<typeof profileSchema>;
/** A profile as written (defaults may be left out). */
export type TargetProfileInput = z.input<typeof profileSchema>;

/**
 * Declares a profile in a `.ts` module (`export default defineProfile({...})`): the identity,
 * typed so the editor completes and checks it. Loading validates it again (src/profile/load.ts).
 */
export function defineProfile(profile: TargetProfileInput): TargetProfileInput {
  return profile;
}
