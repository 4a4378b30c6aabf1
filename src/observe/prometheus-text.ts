/**
 * A parser of the Prometheus text exposition format (version 0.0.4), the format of a target's
 * `/metrics`. prom-client only writes this format, and the npm parsers found were untyped and
 * unmaintained, so this is a small careful one: `# HELP` / `# TYPE` lines, samples with escaped
 * label values, `NaN` / `±Inf`, optional timestamps (ignored), and samples grouped into their
 * family (`x_bucket` / `x_sum` / `x_count` belong to histogram `x`).
 */

/** Metric types the format declares; `untyped` when a sample has no `# TYPE` line. */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** One sample line. */
export interface Sample {
  /** As written, e.g. `http_request_duration_seconds_count`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its declared type, help text and samples. */
export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly samples: readonly Sample[];
}

/** A line that is not valid exposition format; the message names the line number. */
export class PrometheusParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusParseError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

// Suffixes whose samples belong to a family of the given types.
const FAMILY_SUFFIXES: readonly (readonly [string, readonly MetricType[]])[] = [
  ['_bucket', ['histogram']],
  ['_sum', ['histogram', 'summary']],
  ['_count', ['histogram', 'summary']],
];

/**
 * Parses a sample value: a decimal float, or NaN / ±Inf / ±Infinity in any letter case, as Go's
 * ParseFloat (Prometheus' own parser) accepts them — prom-client writes NaN as `Nan`.
 */
export function parseSampleValue(text: string): number {
  switch (text.toLowerCase()) {
    case 'nan':
      return Number.NaN;
    case '+inf':
    case 'inf':
    case '+infinity':
    case 'infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    default: {
      // Number('') is 0 and Number('0x10') is 16: accept only decimal float syntax.
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new PrometheusParseError(`not a number: "${text}"`);
      return Number(text);
    }
  }
}

/** Undoes the format's escaping of label values (`\\`, `\"`, `\n`) and of help text (`\\`, `\n`). */
function unescapeText(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Escapes a label value for the exposition format (and for `seriesKey`). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The series key of a sample: `name{a="1",b="2"}` with labels sorted by name and values escaped
 * as in the exposition format, or just `name` without labels. This is the key format of
 * `ObservedDeltas.target`.
 */
export function seriesKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  return `${name}{${names.map((n) => `${n}="${escapeLabelValue(labels[n] ?? '')}"`).join(',')}}`;
}

/** Parses `{a="1",b="x\"y"}` starting at `text[0] === '{'`; returns the labels and the rest. */
function parseLabels(text: string, lineNo: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let rest = text.slice(1).trimStart();
  for (;;) {
    if (rest.startsWith('}')) return { labels, rest: rest.slice(1) };
    const name = LABEL_NAME.exec(rest)?.[0];
    if (!name) throw new PrometheusParseError(`line ${lineNo}: expected a label name at "${rest.slice(0, 20)}"`);
    rest = rest.slice(name.length).trimStart();
    if (!rest.startsWith('=')) throw new PrometheusParseError(`line ${lineNo}: expected "=" after label ${name}`);
    rest = rest.slice(1).trimStart();
    const value = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (!value) throw new PrometheusParseError(`line ${lineNo}: label ${name} has no quoted value`);
    if (Object.hasOwn(labels, name)) throw new PrometheusParseError(`line ${lineNo}: label ${name} repeated`);
    labels[name] = unescapeText(value[1] ?? '');
    rest = rest.slice(value[0].length).trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (!rest.startsWith('}')) throw new PrometheusParseError(`line ${lineNo}: expected "," or "}" after label ${name}`);
  }
}

/** Parses one sample line. */
function parseSampleLine(line: string, lineNo: number): Sample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (!name) throw new PrometheusParseError(`line ${lineNo}: expected a metric name at "${line.slice(0, 20)}"`);
  let rest = line.slice(name.length).trimStart();
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, lineNo));
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') {
    throw new PrometheusParseError(`line ${lineNo}: expected "<value> [timestamp]" after ${name}`);
  }
  try {
    return { name, labels, value: parseSampleValue(fields[0] ?? '') };
  } catch (err) {
    throw new PrometheusParseError(`line ${lineNo}: ${(err as Error).message}`);
  }
}

/** The family a sample belongs to, given the families declared so far. */
function familyOf(sampleName: string, declared: ReadonlyMap<string, { type: MetricType }>): string {
  if (declared.has(sampleName)) return sampleName;
  for (const [suffix, types] of FAMILY_SUFFIXES) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = sampleName.slice(0, -suffix.length);
    const family = declared.get(base);
    if (family && types.includes(family.type)) return base;
  }
  return sampleName;
}

/**
 * Parses a whole exposition.
 * @returns families by name, in order of appearance; samples without a `# TYPE` form `untyped`
 *   families of their own name.
 * @throws PrometheusParseError naming the first bad line.
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, { name: string; type: MetricType; help: string; samples: Sample[] }>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const meta = /^#\s*(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
      // Any other comment is allowed by the format and carries nothing.
      if (!meta) return;
      const [, kind, name = '', arg = ''] = meta;
      if (kind === 'TYPE') {
        if (!TYPES.has(arg)) throw new PrometheusParseError(`line ${lineNo}: unknown type "${arg}" for ${name}`);
        family(name).type = arg as MetricType;
      } else {
        family(name).help = unescapeText(arg);
      }
      return;
    }
    const sample = parseSampleLine(line, lineNo);
    family(familyOf(sample.name, families)).samples.push(sample);
  });
  return families;
}
