/**
 * Reading a run report back: a zod schema of RunReport format 1 (the JSON `ticketbench run`
 * writes) and a parser whose every rejection is one sentence naming the file and what is wrong.
 * Pure: the caller reads the file.
 */
import { z } from 'zod';
import { TicketbenchError } from '../errors.ts';
import type { RunReport } from '../run/types.ts';

const latencySummary = z.object({
  count: z.number(),
  minMs: z.number(),
  meanMs: z.number(),
  p50Ms: z.number(),
  p90Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
});

const executor = z.discriminatedUnion('executor', [
  z.object({ executor: z.literal('shared-iterations'), vus: z.number(), iterations: z.number(), maxDurationMs: z.number() }),
  z.object({ executor: z.literal('constant-vus'), vus: z.number(), durationMs: z.number() }),
  z.object({
    executor: z.literal('constant-arrival-rate'),
    rate: z.number(),
    timeUnitMs: z.number(),
    durationMs: z.number(),
    preAllocatedVUs: z.number(),
    maxVUs: z.number(),
  }),
  z.object({
    executor: z.literal('ramping-arrival-rate'),
    startRate: z.number(),
    timeUnitMs: z.number(),
    stages: z.array(z.object({ target: z.number(), durationMs: z.number() })),
    preAllocatedVUs: z.number(),
    maxVUs: z.number(),
  }),
]);

const load = z.object({
  executor,
  startedAt: z.string(),
  durationMs: z.number(),
  iterations: z.object({ completed: z.number(), failed: z.number() }),
  droppedIterations: z.number(),
  requests: z.number(),
  tps: z.number(),
  latency: latencySummary,
  latencyByName: z.record(z.string(), latencySummary),
  latencyCorrected: latencySummary.optional(),
  latencyCorrectedByName: z.record(z.string(), latencySummary).optional(),
  status: z.object({ ok: z.number(), conflict: z.number(), error: z.number(), byStatus: z.record(z.string(), z.number()) }),
  ops: z.record(z.string(), z.object({ ok: z.number(), fail: z.number(), info: z.number() })),
  tpsSeries: z.array(z.number()),
  latencySeries: z.array(z.object({ count: z.number(), p50Ms: z.number(), p95Ms: z.number(), p99Ms: z.number() })).optional(),
  latencyDistribution: z.array(z.object({ fromMs: z.number(), toMs: z.number(), count: z.number() })).optional(),
});

const verdict = z.enum(['pass', 'fail', 'unknown']);

const check = z.object({
  id: z.string(),
  title: z.string(),
  verdict,
  summary: z.string(),
  counts: z.record(z.string(), z.number()),
  evidence: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  evidenceTotal: z.number(),
});

const date = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not a date' });

/**
 * RunReport format 1. Threshold results and observed server counters are checked only for what
 * `report --compare` reads (a threshold's `expression` and `passed`); their other fields pass
 * through as written, so reports stay readable while those records grow.
 */
export const runReportSchema = z.object({
  format: z.literal(1),
  scenario: z.string(),
  description: z.string(),
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  connections: z.object({ mysql: z.string(), redis: z.string(), kafka: z.string(), target: z.string() }),
  targetSharesMachine: z.boolean(),
  infraStarted: z.array(z.string()),
  machine: z.object({
    hostname: z.string(),
    os: z.string(),
    cpuModel: z.string(),
    cores: z.number(),
    memoryGiB: z.number(),
    node: z.string(),
    ticketbench: z.string(),
    mysql: z.string(),
    redis: z.string(),
    kafka: z.string(),
  }),
  fixture: z.record(z.string(), z.union([z.number(), z.string()])),
  load,
  results: z.record(z.string(), z.union([z.number(), z.string()])),
  checks: z.array(check),
  verdict,
  thresholds: z.array(z.looseObject({ expression: z.string(), passed: z.boolean() })),
  aborted: z.object({ reason: z.string() }).optional(),
  observed: z.looseObject({}).optional(),
  startedAt: date,
  endedAt: date,
});

type Loose = 'thresholds' | 'observed';
// Fails to compile when RunReport gains or changes a field the schema does not model (apart from
// the records it checks loosely on purpose).
const schemaMatchesRunReport: Omit<z.output<typeof runReportSchema>, Loose> extends Omit<RunReport, Loose> ? true : never = true;
void schemaMatchesRunReport;

/** `checks[2].verdict` from a zod issue path. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses the text of a run report JSON file. `file` is how the message names it.
 * @throws TicketbenchError INVALID_OPTION (exit 2), one line: not JSON; a compare report or a
 *   before/after comparison rather than a run report; not a ticketbench report at all; another
 *   format version; or the first field that does not fit format 1.
 */
export function parseRunReport(text: string, file: string): RunReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TicketbenchError('INVALID_OPTION', `${file} is not JSON (${(err as Error).message}); give the .json file \`ticketbench run\` wrote.`);
  }
  if (!isRecord(json)) throw new TicketbenchError('INVALID_OPTION', `${file} is not a ticketbench run report: it holds no JSON object.`);
  if (json['kind'] === 'compare') {
    throw new TicketbenchError(
      'INVALID_OPTION',
      `${file} is a compare report (written by \`ticketbench compare\`), not a run report; give the .json of one run, e.g. one listed in that report's Runs table.`,
    );
  }
  if (json['kind'] === 'run-comparison') {
    throw new TicketbenchError('INVALID_OPTION', `${file} is a before/after comparison (written by \`ticketbench report --compare\`), not a run report.`);
  }
  if (!('format' in json) || !('scenario' in json) || !('load' in json)) {
    throw new TicketbenchError('INVALID_OPTION', `${file} is not a ticketbench run report (it has no format, scenario and load fields).`);
  }
  if (json['format'] !== 1) {
    throw new TicketbenchError('INVALID_OPTION', `${file} is a run report of format ${JSON.stringify(json['format'])}; this ticketbench reads format 1.`);
  }
  const parsed = runReportSchema.safeParse(json);
  if (!parsed.success) {
    const [first, ...more] = parsed.error.issues;
    const where = first && first.path.length > 0 ? `${pathText(first.path)}: ` : '';
    const rest = more.length > 0 ? ` (and ${more.length} more problem${more.length === 1 ? '' : 's'})` : '';
    throw new TicketbenchError('INVALID_OPTION', `${file} is not a valid ticketbench run report: ${where}${first?.message ?? 'does not fit format 1'}${rest}.`);
  }
  // The loosely checked threshold and observed records are kept as written (see runReportSchema).
  return parsed.data as unknown as RunReport;
}
