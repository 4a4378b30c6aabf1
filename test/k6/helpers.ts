// Shared steps of the k6 interop tests: start the bundled target with a strategy, set up a
// fixture through it, export a script, run the script in the harness, verify the output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { DEFAULT_CONNECTIONS } from '../../src/config/connections.ts';
import type { ExecutorConfig } from '../../src/engine/types.ts';
import { resolveStateDir } from '../../src/infra/paths.ts';
import { exportK6Script } from '../../src/k6/export.ts';
import { setupFixture, writeFixture, type FixtureFile } from '../../src/k6/fixture.ts';
import type { RunReport } from '../../src/model/run-report.ts';
import { bundledTargetProfile } from '../../src/profile/default-profile.ts';
import type { AnyScenario } from '../../src/scenario/types.ts';
import { BUNDLED_TARGET_SETTINGS, type RunningTarget } from '../../src/target/launch.ts';
import { startTarget } from '../../src/target/start-target.ts';
import { runExportedScript, type HarnessResult } from './harness/run-script.ts';

/** A bundled target started for a test; stop it when done. */
export async function startBundled(strategy: string, walletStrategy = 'pessimistic'): Promise<{ baseUrl: string; running: RunningTarget }> {
  const driven = await startTarget(bundledTargetProfile(), {
    connections: DEFAULT_CONNECTIONS,
    stateDir: resolveStateDir(undefined),
    bundled: { strategy, walletStrategy, cache: 'off' },
    holdTtlMs: BUNDLED_TARGET_SETTINGS.holdTtlMs,
    lockTtlMs: BUNDLED_TARGET_SETTINGS.lockTtlMs,
  });
  return { baseUrl: driven.baseUrl, running: driven.running! };
}

/** A k6 run of `scenario` against `baseUrl`: setup → export → harness (2 instances, the second gzipped). */
export async function k6Run(
  scenario: AnyScenario,
  baseUrl: string,
  executor: Extract<ExecutorConfig, { executor: 'shared-iterations' }>,
  scenarioFlags: Record<string, unknown> = {},
): Promise<{ dir: string; fixture: FixtureFile; fixtureFile: string; run: HarnessResult }> {
  const dir = mkdtempSync(path.join(tmpdir(), `tb-k6-${scenario.name}-`));
  const fixture = await setupFixture({ scenario, scenarioFlags, executor, connections: DEFAULT_CONNECTIONS, requestTimeoutMs: 10_000, targetUrl: baseUrl, infra: false, thresholdExpressions: [] });
  const fixtureFile = path.join(dir, 'fixture.json');
  await writeFixture(fixtureFile, fixture);
  const script = path.join(dir, `${scenario.name}.k6.ts`);
  writeFileSync(script, exportK6Script({ scenario, executor, profile: bundledTargetProfile().profile, thresholds: [], requestTimeoutMs: 10_000 }));
  const run = await runExportedScript({ script, fixture: fixtureFile, baseUrl, vus: executor.vus, iterations: executor.iterations, instances: 2, outDir: dir, gzip: [1] });
  return { dir, fixture, fixtureFile, run };
}

/** The report's checks are exactly `ids`, in that order, and every one passed. */
export function expectEveryCheckPasses(report: RunReport, ids: readonly string[]): void {
  expect(report.checks.map((c) => [c.id, c.verdict])).toEqual(ids.map((id) => [id, 'pass']));
}
