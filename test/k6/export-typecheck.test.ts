// Every exportable scenario × executor (and the seatline profile) exports a script that tsc
// accepts against @types/k6: one tsc invocation over all of them. A scenario without a k6
// iteration is refused with one sentence.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutorConfig } from '../../src/engine/types.ts';
import { EXPORTABLE_SCENARIOS, exportK6Script, k6ScenarioOf, k6ThresholdsOf } from '../../src/k6/export.ts';
import { bundledTargetProfile } from '../../src/profile/default-profile.ts';
import { loadProfile } from '../../src/profile/load.ts';
import { loadScenario } from '../../src/scenario/registry.ts';
import { parseThreshold } from '../../src/thresholds/parse.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, '.ticketbench', 'k6-typecheck');

const EXECUTORS: readonly ExecutorConfig[] = [
  { executor: 'shared-iterations', vus: 200, iterations: 400, maxDurationMs: 600_000 },
  { executor: 'constant-vus', vus: 200, durationMs: 30_000 },
  { executor: 'constant-arrival-rate', rate: 100, timeUnitMs: 1000, durationMs: 30_000, preAllocatedVUs: 200, maxVUs: 400 },
  { executor: 'ramping-arrival-rate', startRate: 0, timeUnitMs: 1000, stages: [{ target: 100, durationMs: 10_000 }, { target: 0, durationMs: 5_000 }], preAllocatedVUs: 200, maxVUs: 400 },
];

describe('export k6', () => {
  it('maps every executor 1:1 onto a k6 scenario, and thresholds onto k6 thresholds', () => {
    expect(EXECUTORS.map(k6ScenarioOf)).toEqual([
      { executor: 'shared-iterations', vus: 200, iterations: 400, maxDuration: '600000ms' },
      { executor: 'constant-vus', vus: 200, duration: '30000ms' },
      { executor: 'constant-arrival-rate', rate: 100, timeUnit: '1000ms', duration: '30000ms', preAllocatedVUs: 200, maxVUs: 400 },
      { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1000ms', preAllocatedVUs: 200, maxVUs: 400, stages: [{ target: 100, duration: '10000ms' }, { target: 0, duration: '5000ms' }] },
    ]);
    expect(k6ThresholdsOf(['http_req_duration{name:hold}:p(95)<500', 'http_req_duration{name:hold}:p(99)<900:abortOnFail', 'errors:rate<0.01', 'http_reqs{status:500}:count==0'].map((t) => parseThreshold(t)))).toEqual({
      'http_req_duration{name:hold}': ['p(95)<500', { threshold: 'p(99)<900', abortOnFail: true }],
      errors: ['rate<0.01'],
      'http_reqs{status:500}': ['count==0'],
    });
  });

  it('every scenario × executor, and the seatline profile, type-checks against @types/k6 (one tsc run)', async () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const bundled = bundledTargetProfile().profile;
    const written: string[] = [];
    for (const name of EXPORTABLE_SCENARIOS) {
      const scenario = await loadScenario(name);
      for (const executor of EXECUTORS) {
        const file = path.join(DIR, `${name}-${executor.executor}.k6.ts`);
        writeFileSync(file, exportK6Script({ scenario, executor, profile: bundled, thresholds: ['http_req_duration{name:hold}:p(95)<500:abortOnFail'], requestTimeoutMs: 10_000 }));
        written.push(file);
      }
    }
    const seatline = await loadProfile(path.join(ROOT, 'examples/seatline/seatline.profile.ts'));
    for (const name of ['contention', 'flash-sale']) {
      const file = path.join(DIR, `${name}-seatline.k6.ts`);
      const script = exportK6Script({ scenario: await loadScenario(name), executor: EXECUTORS[0]!, profile: seatline.profile, thresholds: [], requestTimeoutMs: 5_000 });
      expect(script).toContain(JSON.stringify(seatline.profile.operations.hold!.path));
      writeFileSync(file, script);
      written.push(file);
    }
    expect(written).toHaveLength(EXPORTABLE_SCENARIOS.length * EXECUTORS.length + 2);
    writeFileSync(
      path.join(DIR, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2020'], strict: true, noUncheckedIndexedAccess: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true, types: ['k6'], isolatedModules: true, verbatimModuleSyntax: true },
        include: ['*.k6.ts'],
      }),
    );
    // Throws with tsc's messages on any error. lib ES2020: nothing newer than k6's runtime (Sobek) is sure to have.
    execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(DIR, 'tsconfig.json')], { encoding: 'utf8' });
  }, 120_000);

  it('refuses a scenario it has no k6 iteration for, and a profile lacking an operation', async () => {
    const queue = await loadScenario('queue-ttl');
    expect(() => exportK6Script({ scenario: queue, executor: EXECUTORS[0]!, profile: bundledTargetProfile().profile, thresholds: [], requestTimeoutMs: 1000 })).toThrow(/queue-ttl cannot be exported to k6 yet/);
    const wallet = await loadScenario('wallet-race');
    const seatline = await loadProfile(path.join(ROOT, 'examples/seatline/seatline.profile.ts'));
    if (seatline.profile.operations.charge === undefined) {
      expect(() => exportK6Script({ scenario: wallet, executor: EXECUTORS[0]!, profile: seatline.profile, thresholds: [], requestTimeoutMs: 1000 })).toThrow(/declares no operations.charge/);
    }
  });
});
