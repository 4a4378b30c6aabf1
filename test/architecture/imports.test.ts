// The import rules of .dependency-cruiser.cjs (no loops; each layer imports only from itself and
// the layers below; runScenario writes nothing; the engine knows no CLI) hold for the whole
// toolkit, and the same rules really catch a loop and an upward import planted in a scratch tree.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/infra/paths.ts';

const run = promisify(execFile);
const DEPCRUISE = path.join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: readonly { readonly name: string }[];
}

/** Runs dependency-cruiser with the repo's rules in `cwd` over `dirs`; returns its violations. */
async function violationsIn(cwd: string, dirs: readonly string[]): Promise<Violation[]> {
  const args = [DEPCRUISE, '--config', path.join(REPO_ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json', ...dirs];
  // dependency-cruiser exits non-zero when it finds violations; the JSON is on stdout either way.
  const { stdout } = await run(process.execPath, args, { cwd, maxBuffer: 64 * 1024 * 1024 }).catch((err: { stdout?: string }) => {
    if (!err.stdout) throw err;
    return { stdout: err.stdout };
  });
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const describeViolation = (v: Violation): string => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (loop: ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`;

describe('import rules (.dependency-cruiser.cjs)', () => {
  it('hold for src/, scenarios/, profiles/, target-service/ and bin/: no import loop, no import from a higher layer', async () => {
    const violations = await violationsIn(REPO_ROOT, ['src', 'scenarios', 'profiles', 'target-service/src', 'contract', 'bin']);
    expect(violations.map(describeViolation)).toEqual([]);
  }, 120_000);

  describe('catch what they forbid, in a scratch tree', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'ticketbench-deps-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    const write = (file: string, text: string): void => {
      mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      writeFileSync(path.join(scratch, file), text);
    };
    cpSync(path.join(REPO_ROOT, 'tsconfig.json'), path.join(scratch, 'tsconfig.json'));
    // A loop inside one layer, an import from the model (core) up to the orchestrator, and
    // runScenario writing a report itself.
    write('src/report/a.ts', "import { b } from './b.ts';\nexport const a = (): number => b() + 1;\n");
    write('src/report/b.ts', "import { a } from './a.ts';\nexport const b = (): number => (a ? 1 : 0);\n");
    write('src/model/thing.ts', "import type { Runner } from '../run/runner.ts';\nexport type Thing = Runner;\n");
    write('src/run/runner.ts', 'export type Runner = { readonly id: number };\n');
    write('src/run/run-scenario.ts', "import { writeFile } from 'node:fs/promises';\nexport const save = (): Promise<void> => writeFile('x', 'y');\n");
    // The toolkit reaching into the bundled target's code instead of the contract.
    write('target-service/src/registry.ts', 'export const NAMES = [1];\n');
    write('src/target/names.ts', "import { NAMES } from '../../target-service/src/registry.ts';\nexport const names = NAMES;\n");

    it('reports each of them, by rule', async () => {
      const violations = await violationsIn(scratch, ['src', 'target-service']);
      // dependency-cruiser names a loop once, from its first module.
      const rules = violations.map((v) => `${v.rule.name} ${v.from}`).sort();
      expect(rules).toEqual(['layer-core src/model/thing.ts', 'no-circular src/report/a.ts', 'run-scenario-writes-nothing src/run/run-scenario.ts', 'toolkit-never-imports-the-target src/target/names.ts']);
    }, 120_000);
  });
});
