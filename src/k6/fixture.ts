/**
 * The fixture file of a k6 run (`ticketbench setup <scenario> --out fixture.json`): the data the
 * scenario's setup created, exactly as `run` creates it, plus the run options that decide what
 * the load does and what the checks look at. An exported k6 script reads it with `open()`;
 * `ticketbench verify` reads it back to scope the checks. JSON, format `ticketbench-fixture/1`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { executorConfigSchema } from '../model/run-report.ts';
import { TicketbenchError } from '../errors.ts';
import { resolveStateDir } from '../infra/paths.ts';
import { TargetOps } from '../profile/target-ops.ts';
import type { RunningTarget } from '../target/launch.ts';
import { planRun, prepareInfra, setupScenarioData, startInstances, type RunScenarioOptions } from '../run/run-scenario.ts';
import type { RunEventMap } from '../run/types.ts';

/** The format tag of a fixture file. */
export const FIXTURE_FORMAT = 'ticketbench-fixture/1';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A fixture file, as written by `setup` and read by `verify` and the exported k6 script. */
export const fixtureFileSchema = z.object({
  format: z.literal(FIXTURE_FORMAT),
  scenario: z.string(),
  /** The scenario's own flags as given to setup (camelCase; absent = default). */
  scenarioFlags: z.record(z.string(), scalar),
  /** The scenario's options resolved from them (what the iteration and checks use). */
  scenarioOptions: z.record(z.string(), scalar),
  executor: executorConfigSchema,
  /** Per-request timeout, ms. */
  requestTimeoutMs: z.number(),
  /** `--threshold` expressions given to setup (the scenario's defaults are added when judged). */
  thresholds: z.array(z.string()),
  /** The profile's name and, when given with --profile, its file (absolute). */
  profile: z.object({ name: z.string(), file: z.string().optional() }),
  /** The bundled target's settings when setup started it, else `external`. */
  strategy: z.string(),
  walletStrategy: z.string(),
  cache: z.string(),
  /** The target's times the checks assume, ms. */
  timings: z.object({ holdTtlMs: z.number(), lockTtlMs: z.number(), expirySweepMs: z.number(), cacheTtlMs: z.number() }),
  /** The service setup created the data through, when it keeps running (`--target-url`); k6 uses it unless BASE_URL is set. */
  targetUrl: z.string().optional(),
  /** What the scenario's setup returned, without its live objects (ids, seats, users). */
  data: z.unknown(),
  /** The report's view of the data (`Scenario.fixture`). */
  ids: z.record(z.string(), z.union([z.string(), z.number()])),
  createdAt: z.string(),
});

/** A fixture file; see fixtureFileSchema. */
export type FixtureFile = z.infer<typeof fixtureFileSchema>;

/**
 * The scenario's setup data as JSON: live objects (the profile's TargetOps) are left out and Maps
 * become objects, so only ids, seats, users and counters remain.
 */
export function serialiseSetupData(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data, (_key, value: unknown) => (value instanceof TargetOps ? undefined : value instanceof Map ? Object.fromEntries(value) : value)));
}

/** The options `setup` takes: the run's (as `run` takes them) and the flag values to record. */
export interface SetupFixtureOptions extends RunScenarioOptions {
  /** `--threshold` expressions as given, recorded for verify. */
  readonly thresholdExpressions: readonly string[];
}

/**
 * Does the data setup `run` does (infra up unless `infra: false`, the target started when no
 * `targetUrl` is given and stopped afterwards, the scenario's setup through the profile) and
 * returns the fixture file's content.
 * @throws what planRun, prepareInfra, startInstances and the scenario's setup throw (exit 2 for
 *   bad options, 4 for servers or a target that cannot be reached)
 */
export async function setupFixture(options: SetupFixtureOptions): Promise<FixtureFile> {
  const emitter = options.emitter ?? new EventEmitter<RunEventMap>();
  const plan = planRun(options);
  const stateDir = resolveStateDir(options.stateDir);
  await prepareInfra(options, stateDir, emitter);
  const running: RunningTarget[] = [];
  try {
    const [baseUrl] = await startInstances({ ...options, targetInstances: 1 }, plan, stateDir, emitter, running);
    const data = await setupScenarioData(options, plan, baseUrl!, emitter);
    return {
      format: FIXTURE_FORMAT,
      scenario: options.scenario.name,
      scenarioFlags: Object.fromEntries(Object.entries(options.scenarioFlags).filter((entry): entry is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof entry[1]))),
      scenarioOptions: plan.scenarioOptions,
      executor: options.executor,
      requestTimeoutMs: options.requestTimeoutMs,
      thresholds: [...options.thresholdExpressions],
      profile: { name: plan.profile.name, ...(options.profile?.file === undefined ? {} : { file: options.profile.file }) },
      strategy: plan.strategy,
      walletStrategy: plan.walletStrategy,
      cache: plan.cache,
      timings: plan.timings,
      ...(running.length === 0 && options.targetUrl !== undefined ? { targetUrl: options.targetUrl.split(',')[0]!.trim() } : {}),
      data: serialiseSetupData(data),
      ids: options.scenario.fixture(data),
      createdAt: new Date().toISOString(),
    };
  } finally {
    await Promise.all(running.map((target) => target.stop()));
  }
}

/** Writes a fixture file (pretty JSON), creating its folder. */
export async function writeFixture(file: string, fixture: FixtureFile): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, `${JSON.stringify(fixture, null, 2)}\n`);
}

/**
 * Reads and validates a fixture file.
 * @param scenario when given, the scenario the fixture must be of
 * @throws TicketbenchError INVALID_OPTION (exit 2) with one sentence: unreadable, not JSON, not a
 *   fixture written by `ticketbench setup`, or a fixture of another scenario
 */
export async function readFixture(file: string, scenario?: string): Promise<FixtureFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TicketbenchError('INVALID_OPTION', `--fixture ${file} cannot be read: ${(err as Error).message}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TicketbenchError('INVALID_OPTION', `--fixture ${file} is not JSON; write one with \`ticketbench setup <scenario> --out ${file}\`.`);
  }
  const parsed = fixtureFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TicketbenchError('INVALID_OPTION', `--fixture ${file} is not a ticketbench fixture (${issue.path.join('.') || 'file'}: ${issue.message}); write one with \`ticketbench setup <scenario> --out ${file}\`.`);
  }
  if (scenario !== undefined && parsed.data.scenario !== scenario) {
    throw new TicketbenchError('INVALID_OPTION', `--fixture ${file} was set up for scenario ${parsed.data.scenario}, not ${scenario}.`);
  }
  return parsed.data;
}
