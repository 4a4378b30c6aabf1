/**
 * `ticketbench export k6`: writes a self-contained TypeScript k6 script for a scenario. The script
 * is the embedded sources of the profile's request building and answer reading (the same files
 * `run` uses, their imports removed), the k6 runtime (src/k6/script/runtime.ts), generated
 * constants (the profile's operations as data, `options` with the executor as a k6 scenario and
 * the thresholds) and the k6 glue (src/k6/script/k6-main.ts). No bundler: k6 runs TypeScript.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExecutorConfig } from '../engine/types.ts';
import { TicketbenchError } from '../errors.ts';
import type { TargetProfile } from '../profile/schema.ts';
import { CONTRACTS, OP_NAMES } from '../profile/target-ops.ts';
import type { AnyScenario } from '../scenario/types.ts';
import { formatAggregation, resolveThresholds, type Threshold } from '../thresholds/parse.ts';
import { ITERATIONS } from './script/runtime.ts';

/** The scenarios an exported script can run (those with a k6 iteration in src/k6/script/runtime.ts). */
export const EXPORTABLE_SCENARIOS: readonly string[] = Object.keys(ITERATIONS);

/** The sources embedded into every script, in order: each uses only the ones before it. */
const EMBEDDED = ['script/prelude.ts', '../engine/op-result.ts', '../profile/template.ts', '../profile/request.ts', '../profile/answer.ts', 'script/runtime.ts'] as const;
const MAIN = 'script/k6-main.ts';

/** What a script is exported from. */
export interface ExportOptions {
  readonly scenario: AnyScenario;
  readonly executor: ExecutorConfig;
  readonly profile: TargetProfile;
  /** `--threshold` values (parsed or as expressions); the scenario's defaults are added. */
  readonly thresholds: readonly (Threshold | string)[];
  /** Per-request timeout, ms. */
  readonly requestTimeoutMs: number;
  /** The command line that produced it, for the script's header. */
  readonly commandLine?: string;
}

/** A k6 duration for `ms`, e.g. `1500ms` (k6 parses Go durations). */
function k6Duration(ms: number): string {
  return `${Math.round(ms)}ms`;
}

/**
 * The executor as one k6 scenario (`options.scenarios[name]`), field for field: k6's executor
 * names and options, durations as k6 durations.
 */
export function k6ScenarioOf(executor: ExecutorConfig): Record<string, unknown> {
  switch (executor.executor) {
    case 'shared-iterations':
      return { executor: executor.executor, vus: executor.vus, iterations: executor.iterations, maxDuration: k6Duration(executor.maxDurationMs) };
    case 'constant-vus':
      return { executor: executor.executor, vus: executor.vus, duration: k6Duration(executor.durationMs) };
    case 'constant-arrival-rate':
      return { executor: executor.executor, rate: executor.rate, timeUnit: k6Duration(executor.timeUnitMs), duration: k6Duration(executor.durationMs), preAllocatedVUs: executor.preAllocatedVUs, maxVUs: executor.maxVUs };
    case 'ramping-arrival-rate':
      return {
        executor: executor.executor,
        startRate: executor.startRate,
        timeUnit: k6Duration(executor.timeUnitMs),
        preAllocatedVUs: executor.preAllocatedVUs,
        maxVUs: executor.maxVUs,
        stages: executor.stages.map((s) => ({ target: s.target, duration: k6Duration(s.durationMs) })),
      };
  }
}

/**
 * The thresholds in k6's `options.thresholds` form: `metric{tag:value}` → conditions, an
 * `abortOnFail` one as `{ threshold, abortOnFail: true }`. ticketbench's `errors` is the script's
 * own Rate of the same name, and the script marks a 409 as expected, so `http_req_failed` means
 * the same on both sides.
 */
export function k6ThresholdsOf(thresholds: readonly Threshold[]): Record<string, (string | { threshold: string; abortOnFail: boolean })[]> {
  const out: Record<string, (string | { threshold: string; abortOnFail: boolean })[]> = {};
  for (const t of thresholds) {
    const tags = Object.entries(t.tags).map(([k, v]) => `${k}:${v}`).join(',');
    const key = `${t.metric}${tags ? `{${tags}}` : ''}`;
    const condition = `${formatAggregation(t.aggregation)}${t.operator}${t.limit}`;
    (out[key] ??= []).push(t.abortOnFail ? { threshold: condition, abortOnFail: true } : condition);
  }
  return out;
}

/** A source file of this folder's neighbourhood, read once. */
function source(relative: string): string {
  return readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');
}

/** `import … from '…';` statements, single- or multi-line. */
const IMPORT = /^import\s[^;]*?from\s+'([^']+)';[ \t]*\n/gm;

/** The named exported type declarations of a module (`export interface X {…}`, `export type X = …;`), as text. */
function declarations(relative: string, names: readonly string[]): string {
  const code = source(relative);
  const found = names.map((name) => {
    const match = new RegExp(`^(?:/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/\\n)?export (?:interface ${name} \\{[\\s\\S]*?^\\}|type ${name} = [^;]+;)`, 'm').exec(code);
    if (!match) throw new Error(`${relative} declares no exported type ${name}`);
    return match[0].replace(/^export /m, '');
  });
  return `// ---- declarations copied from src/${relative.replace(/^\.\.\//, '')}: ${names.join(', ')} ----\n${found.join('\n\n')}\n`;
}

/** A module's code without its imports, its declarations no longer exported. */
function embed(relative: string): string {
  const code = source(relative)
    .replace(IMPORT, '')
    .replace(/^export \{[^}]*\} from '[^']+';\n/gm, '')
    .replace(/^export (?=(?:declare |abstract |async )?(?:const|let|function|class|interface|type|enum) )/gm, '');
  return `// ---- embedded from src/${relative.replace(/^\.\.\//, '').replace(/^script\//, 'k6/script/')} ----\n${code.trim()}\n`;
}

/**
 * The exported script's text.
 * @throws TicketbenchError INVALID_OPTION for a scenario without a k6 iteration, a profile lacking
 *   one of the scenario's operations, or a bad threshold
 */
export function exportK6Script(options: ExportOptions): string {
  const { scenario, profile } = options;
  if (!EXPORTABLE_SCENARIOS.includes(scenario.name)) {
    throw new TicketbenchError('INVALID_OPTION', `Scenario ${scenario.name} cannot be exported to k6 yet; exportable: ${EXPORTABLE_SCENARIOS.join(', ')}.`);
  }
  const missing = scenario.operations.filter((name) => profile.operations[name] === undefined);
  if (missing.length > 0) throw new TicketbenchError('INVALID_OPTION', `Profile "${profile.name}" declares no ${missing.map((m) => `operations.${m}`).join(', ')}, which scenario ${scenario.name} needs.`);
  const thresholds = resolveThresholds(scenario.name, scenario.thresholds, options.thresholds);
  const operations = Object.fromEntries(scenario.operations.map((name) => [name, profile.operations[name]]));
  const k6Options = {
    scenarios: { [scenario.name.replace(/[^A-Za-z0-9_-]/g, '_')]: k6ScenarioOf(options.executor) },
    thresholds: k6ThresholdsOf(thresholds),
  };
  const main = source(MAIN);
  const k6Imports = [...main.matchAll(IMPORT)].filter((m) => m[1]!.startsWith('k6')).map((m) => m[0].trim());
  const mainCode = main
    .replace(IMPORT, '')
    .replace(/^declare const [A-Z_]+: [^;]+;\n/gm, '')
    .replace(/^\/\*\*[\s\S]*?\*\/\n/, '');
  return [
    `// k6 script for ticketbench scenario ${scenario.name}, profile ${profile.name}. Generated by ticketbench export k6; do not edit.`,
    ...(options.commandLine ? [`// ${options.commandLine}`] : []),
    '// Run: k6 run -e FIXTURE=fixture.json -e BASE_URL=http://host:port --out json=out.json <this file>',
    '// then: ticketbench verify <scenario> --fixture fixture.json --k6-output out.json',
    '// FIXTURE comes from `ticketbench setup` with the same run options; open() resolves it relative to this file.',
    ...k6Imports,
    '',
    declarations('../engine/http-client.ts', ['HttpMethod', 'HttpResponse']),
    ...EMBEDDED.map(embed),
    '// ---- generated: the scenario, the profile\'s operations, the k6 options ----',
    `const SCENARIO: string = ${JSON.stringify(scenario.name)};`,
    `const REQUEST_TIMEOUT_MS: number = ${options.requestTimeoutMs};`,
    `const OPERATIONS: OperationTable = ${JSON.stringify({ specs: operations, contracts: CONTRACTS, names: OP_NAMES }, null, 2)};`,
    `export const options: Options = ${JSON.stringify(k6Options, null, 2)};`,
    '',
    '// ---- k6 glue: src/k6/script/k6-main.ts ----',
    mainCode.trim(),
    '',
  ].join('\n');
}
