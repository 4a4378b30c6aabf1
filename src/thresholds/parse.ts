/**
 * k6-style thresholds: `METRIC{tag:value,...}:AGGREGATION OP NUMBER[:abortOnFail]`, e.g.
 * `http_req_duration{name:hold}:p(95)<50`, `errors:rate<0.01`, `http_reqs:count<5:abortOnFail`.
 * Pure: text in, a typed Threshold out, or a TicketbenchError INVALID_OPTION whose one sentence
 * says what is wrong. Metric names, aggregations and operators follow the k6 thresholds docs
 * (grafana.com/docs/k6/latest/using-k6/thresholds); the single-string form with an
 * `:abortOnFail` suffix is ticketbench's, since a CLI flag cannot carry k6's object form.
 */
import { TicketbenchError } from '../errors.ts';

/** Comparison operators, as in k6 (`===` is not accepted: numbers compare exactly with `==`). */
export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Where a threshold came from: the command line (or a program's options) or the scenario's defaults. */
export type ThresholdSource = 'cli' | 'scenario';

/**
 * Unit of a threshold's measured value and limit: `ms` (durations), `ratio` (a fraction 0..1),
 * `count`, or `per-second` (a counter's rate over the load phase).
 */
export type ThresholdUnit = 'ms' | 'ratio' | 'count' | 'per-second';

/** Aggregations; `p` carries its percentile (0..100), e.g. `p(99.9)`. */
export type ThresholdAggregation =
  | { readonly kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' }
  | { readonly kind: 'p'; readonly percentile: number };

/** The metrics a threshold may name. */
export type ThresholdMetric = 'http_req_duration' | 'http_reqs' | 'http_req_failed' | 'errors' | 'iterations' | 'dropped_iterations';

/** A parsed threshold. */
export interface Threshold {
  /** The expression as written, trimmed. */
  readonly expression: string;
  readonly source: ThresholdSource;
  readonly metric: ThresholdMetric;
  /** Tag filters, e.g. `{ name: 'hold' }`; empty for the whole metric. */
  readonly tags: Readonly<Record<string, string>>;
  readonly aggregation: ThresholdAggregation;
  readonly operator: ThresholdOperator;
  /** The number the measured value is compared with, in `unit`. */
  readonly limit: number;
  readonly unit: ThresholdUnit;
  /** A breach during the load stops it (k6 `abortOnFail`). */
  readonly abortOnFail: boolean;
}

type AggregationName = 'avg' | 'min' | 'max' | 'med' | 'p(N)' | 'count' | 'rate';

/** What each metric measures, which aggregations and tags it takes. */
interface MetricSpec {
  readonly aggregations: readonly AggregationName[];
  readonly tags: readonly string[];
  /** An example aggregation and limit for error messages. */
  readonly example: string;
}

/**
 * The metrics thresholds can name, with k6's metric types: `http_req_duration` is a trend
 * (send → response, ms; per request name with `{name:hold}`), `http_reqs`, `iterations` and
 * `dropped_iterations` are counters (`count`, and `rate` = count per second of the load phase),
 * `http_req_failed` and its alias `errors` are rates: the share of requests whose answer was an
 * error — any non-2xx other than 409, a timeout or a connection error. Unlike k6's default
 * (every status outside 200–399 fails), a 409 is not a failure: in ticketbench it is a lost race,
 * the expected answer under contention (k6 would need `http.setResponseCallback`).
 * `iterations` counts iterations that completed without throwing.
 */
export const THRESHOLD_METRICS: Readonly<Record<ThresholdMetric, MetricSpec>> = {
  http_req_duration: { aggregations: ['avg', 'min', 'max', 'med', 'p(N)'], tags: ['name'], example: 'p(95)<500' },
  http_reqs: { aggregations: ['count', 'rate'], tags: ['name', 'status'], example: 'rate>100' },
  http_req_failed: { aggregations: ['rate'], tags: [], example: 'rate<0.01' },
  errors: { aggregations: ['rate'], tags: [], example: 'rate<0.01' },
  iterations: { aggregations: ['count', 'rate'], tags: [], example: 'count>100' },
  dropped_iterations: { aggregations: ['count', 'rate'], tags: [], example: 'count==0' },
};

const METRIC_NAMES = Object.keys(THRESHOLD_METRICS) as ThresholdMetric[];
const OPERATOR = /^(<=|>=|==|!=|<|>)/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const ABORT_SUFFIX = ':abortOnFail';

/** The grammar, for messages. */
export const THRESHOLD_SYNTAX = 'METRIC{tag:value}:AGGREGATION OP NUMBER[:abortOnFail], e.g. http_req_duration{name:hold}:p(95)<500';

/**
 * Parses one threshold expression.
 * @param text e.g. `http_req_duration{name:hold}:p(95)<50` or `errors:rate<0.01:abortOnFail`;
 *   spaces around the operator are allowed
 * @param source recorded in the result
 * @param origin how the message names the expression, default `--threshold "<text>"`
 * @throws TicketbenchError INVALID_OPTION with one sentence: unknown metric, unknown aggregation
 *   for that metric, tag on a metric without tags, unknown tag, missing operator, bad number, a
 *   rate limit outside 0..1, or anything after the limit other than `:abortOnFail`.
 */
export function parseThreshold(text: string, source: ThresholdSource = 'cli', origin = `--threshold "${text}"`): Threshold {
  const fail = (problem: string): TicketbenchError => new TicketbenchError('INVALID_OPTION', `${origin}: ${problem}.`);
  const expression = text.trim();
  if (expression === '') throw fail(`is empty; write ${THRESHOLD_SYNTAX}`);

  let rest = expression;
  let abortOnFail = false;
  if (rest.endsWith(ABORT_SUFFIX)) {
    abortOnFail = true;
    rest = rest.slice(0, -ABORT_SUFFIX.length).trimEnd();
  }

  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)?.[0];
  if (!name) throw fail(`must start with a metric name; write ${THRESHOLD_SYNTAX}`);
  if (!(METRIC_NAMES as string[]).includes(name)) throw fail(`unknown metric "${name}"; known: ${METRIC_NAMES.join(', ')}`);
  const metric = name as ThresholdMetric;
  const spec = THRESHOLD_METRICS[metric];
  rest = rest.slice(name.length);

  const tags: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const close = rest.indexOf('}');
    if (close === -1) throw fail(`"{" after ${metric} has no closing "}"`);
    if (spec.tags.length === 0) throw fail(`${metric} takes no tags; remove "${rest.slice(0, close + 1)}"`);
    for (const pair of rest.slice(1, close).split(',')) {
      const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*?)\s*$/.exec(pair);
      const value = m?.[2]?.replace(/^(["'])(.*)\1$/, '$2') ?? '';
      if (!m || value === '') throw fail(`tag "${pair.trim()}" is not key:value, e.g. {name:hold}`);
      const key = m[1]!;
      if (!spec.tags.includes(key)) throw fail(`${metric} has no tag "${key}"; its tags: ${spec.tags.join(', ')}`);
      if (key in tags) throw fail(`tag "${key}" is given twice`);
      tags[key] = value;
    }
    // Requests are counted per name and per status, not per both at once.
    if (Object.keys(tags).length > 1) throw fail(`${metric} takes one tag at a time (${spec.tags.join(' or ')})`);
    rest = rest.slice(close + 1);
  }

  if (!rest.startsWith(':')) {
    const aggregations = spec.aggregations.join(', ');
    throw fail(`${rest.trim() === '' || OPERATOR.test(rest.trim()) ? 'missing' : `unexpected "${rest.trim()}" instead of`} ":AGGREGATION" after ${metric}; it takes ${aggregations}, e.g. ${metric}:${spec.example}`);
  }
  rest = rest.slice(1).trimStart();
  if (rest.startsWith('p(') && !rest.includes(')')) throw fail(`"p(" after ${metric}: has no closing ")"`);
  const aggText = /^(p\([^)]*\)|[A-Za-z_]\w*)/.exec(rest)?.[0];
  if (!aggText) throw fail(`missing aggregation after "${metric}:"; ${metric} takes ${spec.aggregations.join(', ')}`);
  const aggregation = parseAggregation(aggText, metric, fail);
  rest = rest.slice(aggText.length).trim();

  const op = OPERATOR.exec(rest)?.[0] as ThresholdOperator | undefined;
  if (!op) {
    throw fail(rest === '' ? `missing comparison after ${aggText}: add <, <=, >, >=, == or != and a number` : `"${rest}" after ${aggText} does not start with <, <=, >, >=, == or !=`);
  }
  const limitText = rest.slice(op.length).trim();
  if (limitText === '') throw fail(`missing the number after "${op}"`);
  const unit = unitOf(metric, aggregation);
  if (!NUMBER.test(limitText)) {
    const suffix = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)(.*)$/i.exec(limitText);
    if (suffix && suffix[2]!.startsWith(':')) throw fail(`unknown suffix "${suffix[2]}"; the only one is ${ABORT_SUFFIX}`);
    if (suffix) throw fail(`limit "${limitText}" must be a plain number (${UNIT_WORDS[unit]}), without "${suffix[2]!.trim()}"`);
    throw fail(`limit "${limitText}" is not a number`);
  }
  const limit = Number(limitText);
  if (unit === 'ratio' && (limit < 0 || limit > 1)) throw fail(`a rate is a fraction from 0 to 1 (0.01 = 1%), got ${limitText}`);
  return { expression, source, metric, tags, aggregation, operator: op, limit, unit, abortOnFail };
}

const UNIT_WORDS: Readonly<Record<ThresholdUnit, string>> = {
  ms: 'milliseconds',
  ratio: 'a fraction from 0 to 1',
  count: 'a count',
  'per-second': 'per second',
};

function parseAggregation(text: string, metric: ThresholdMetric, fail: (problem: string) => TicketbenchError): ThresholdAggregation {
  const allowed = THRESHOLD_METRICS[metric].aggregations;
  if (text.startsWith('p(')) {
    if (!allowed.includes('p(N)')) throw fail(`${metric} has no aggregation "${text}"; it takes ${allowed.join(', ')}`);
    const n = text.slice(2, -1).trim();
    if (!NUMBER.test(n) || Number(n) < 0 || Number(n) > 100) throw fail(`"${text}" needs a percentile from 0 to 100, e.g. p(95) or p(99.9)`);
    return { kind: 'p', percentile: Number(n) };
  }
  const bare = /^p(\d+(?:\.\d+)?)$/.exec(text);
  if (bare && allowed.includes('p(N)')) throw fail(`write the percentile as p(${bare[1]}), not ${text}`);
  const kind = text as Exclude<AggregationName, 'p(N)'>;
  if (!(allowed as readonly string[]).includes(kind)) throw fail(`${metric} has no aggregation "${text}"; it takes ${allowed.join(', ')}`);
  return { kind };
}

/** The unit of what `aggregation` of `metric` measures. */
export function unitOf(metric: ThresholdMetric, aggregation: ThresholdAggregation): ThresholdUnit {
  if (metric === 'http_req_duration') return 'ms';
  if (metric === 'http_req_failed' || metric === 'errors') return 'ratio';
  return aggregation.kind === 'rate' ? 'per-second' : 'count';
}

/** `p(95)`, `avg`, … as written in an expression. */
export function formatAggregation(aggregation: ThresholdAggregation): string {
  return aggregation.kind === 'p' ? `p(${aggregation.percentile})` : aggregation.kind;
}

/**
 * What a threshold measures, without its condition, e.g. `http_req_duration{name:hold}:p(95)`:
 * two thresholds with the same selector measure the same value.
 */
export function thresholdSelector(t: Pick<Threshold, 'metric' | 'tags' | 'aggregation'>): string {
  const tags = Object.entries(t.tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}:${v}`)
    .join(',');
  return `${t.metric}${tags ? `{${tags}}` : ''}:${formatAggregation(t.aggregation)}`;
}

/**
 * The thresholds of a run: the scenario's defaults, each replaced by a user threshold with the
 * same selector (so `--threshold 'errors:rate<0.05'` loosens a scenario's `errors:rate<0.01`),
 * then the user's.
 * @param scenarioDefaults expressions from the scenario file (`Scenario.thresholds`)
 * @param user thresholds already parsed (source `cli`), or expressions to parse as `--threshold`
 * @throws TicketbenchError INVALID_OPTION for any bad expression (see parseThreshold)
 */
export function resolveThresholds(scenarioName: string, scenarioDefaults: readonly string[] | undefined, user: readonly (Threshold | string)[]): Threshold[] {
  const fromUser = user.map((t) => (typeof t === 'string' ? parseThreshold(t, 'cli') : t));
  const overridden = new Set(fromUser.map(thresholdSelector));
  const fromScenario = (scenarioDefaults ?? [])
    .map((text) => parseThreshold(text, 'scenario', `Scenario ${scenarioName} threshold "${text}"`))
    .filter((t) => !overridden.has(thresholdSelector(t)));
  return [...fromScenario, ...fromUser];
}
