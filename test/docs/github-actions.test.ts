// docs/github-actions.yml stays a valid example: it parses as YAML, has the steps the README
// promises, and its ticketbench command line is accepted by the CLI's own flag parser (flags,
// values, thresholds), without running anything.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addRunFlags, ciOutputsFromFlags, runSettingsFromFlags, scenarioArgsOf } from '../../src/cli/run-flags.ts';
import { loadScenario } from '../../src/scenario/registry.ts';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
}

const workflow = parse(readFileSync(path.resolve(import.meta.dirname, '../../docs/github-actions.yml'), 'utf8')) as {
  name: string;
  on: unknown;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
};
const steps = Object.values(workflow.jobs)[0]!.steps;
const stepUsing = (action: string): Step | undefined => steps.find((s) => s.uses?.startsWith(`${action}@`));
const runIndex = (pattern: RegExp): number => steps.findIndex((s) => s.run !== undefined && pattern.test(s.run));

/** Shell words of a one-line command: splits on blanks, honours single and double quotes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let current: string | undefined;
  let last = 0;
  for (const m of line.matchAll(re)) {
    const piece = m[1] ?? m[2] ?? m[3] ?? '';
    // Quoted pieces glued to the previous one (no blank between) belong to the same word.
    if (current !== undefined && m.index === last) current += piece;
    else {
      if (current !== undefined) words.push(current);
      current = piece;
    }
    last = m.index + m[0].length;
  }
  if (current !== undefined) words.push(current);
  return words;
}

describe('docs/github-actions.yml', () => {
  it('sets up Node 20 and Java 17, starts the compose servers, installs, applies the schema, then runs', () => {
    expect(workflow.name).toBe('ticketbench');
    expect(stepUsing('actions/checkout')).toBeDefined();
    expect(stepUsing('actions/setup-node')?.with?.['node-version']).toBe(20);
    expect(stepUsing('actions/setup-java')?.with?.['java-version']).toBe('17');
    const order = [/^docker compose up -d --wait$/, /^npm ci$/, /^npx ticketbench infra up$/, /^npx ticketbench run /].map(runIndex);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('uploads the reports, summary and JUnit, and publishes the JUnit results, even when the run fails', () => {
    const upload = stepUsing('actions/upload-artifact');
    expect(upload?.if).toBe('always()');
    expect(String(upload?.with?.['path']).split('\n').filter(Boolean)).toEqual(['reports/', 'summary.json', 'junit.xml']);
    const publish = stepUsing('mikepenz/action-junit-report');
    expect(publish?.if).toBe('always()');
    expect(publish?.with?.['report_paths']).toBe('junit.xml');
  });

  it("has a ticketbench command line the CLI's flag parser accepts", async () => {
    const line = steps[runIndex(/^npx ticketbench run /)]!.run!.trim();
    const words = shellWords(line);
    expect(words.slice(0, 4)).toEqual(['npx', 'ticketbench', 'run', 'contention']);
    // The same flag declarations `ticketbench run` uses; the action only captures what was parsed.
    let parsed: { scenario: string; opts: Record<string, unknown>; scenarioArgs: string[] } | undefined;
    const run = addRunFlags(new Command('run').argument('<scenario>').exitOverride())
      .option('--strategy <name>')
      .option('--target-url <url>')
      .action((scenario: string, opts: Record<string, unknown>, command: Command) => {
        parsed = { scenario, opts, scenarioArgs: scenarioArgsOf(command, scenario) };
      });
    await run.parseAsync(words.slice(3), { from: 'user' });
    expect(parsed?.scenarioArgs).toEqual([]);
    const scenario = await loadScenario(parsed!.scenario);
    const io = { stdout: process.stdout, stderr: process.stderr };
    const settings = runSettingsFromFlags(scenario, parsed!.opts, parsed!.scenarioArgs, io);
    expect(settings.infra).toBe(false);
    expect(parsed!.opts['ci']).toBe(true);
    expect(settings.thresholds.map((t) => t.expression)).toEqual(['http_req_duration{name:hold}:p(95)<500']);
    expect(ciOutputsFromFlags(parsed!.opts)).toEqual({ summaryJson: path.resolve('summary.json'), junit: path.resolve('junit.xml') });
  });

  it('is referenced from the README', () => {
    expect(readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8')).toContain('docs/github-actions.yml');
  });
});
