// The k6 commands' usage: `export k6` writes a script with the run options as k6 options, and
// every bad input to `export` or `setup` is exit 2 with one line, before anything starts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tb-k6-cli-'));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
  const stderr = { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream;
  const code = await main(['node', 'ticketbench', ...args], { stdout, stderr });
  return { code, out, err };
}

describe('ticketbench export k6 / setup (usage)', () => {
  it('export k6 writes the run options as k6 options', async () => {
    const file = path.join(dir, 'flash.k6.ts');
    const { code } = await cli(['export', 'k6', 'flash-sale', '--executor', 'constant-arrival-rate', '--rate', '50', '--duration', '20s', '--max-vus', '100', '--threshold', 'http_req_duration{name:pay}:p(99)<800', '-o', file, '--seats', '10']);
    expect(code).toBe(0);
    const script = readFileSync(file, 'utf8');
    expect(script).toContain('"executor": "constant-arrival-rate"');
    expect(script).toContain('"rate": 50');
    expect(script).toContain('"duration": "20000ms"');
    expect(script).toContain('"http_req_duration{name:pay}"');
    expect(script).toContain('"p(99)<800"');
    expect(script).toContain("new Counter('ticketbench_op')");
  });

  it.each([
    [['export', 'k6', 'contention'], /export k6 needs -o FILE/],
    [['export', 'gatling', 'contention', '-o', 'x.ts'], /export knows the format k6, not "gatling"/],
    [['export', 'k6', 'queue-ttl', '-o', 'x.ts'], /queue-ttl cannot be exported to k6 yet/],
    [['export', 'k6', 'contention', '--vus', '0', '-o', 'x.ts'], /--vus/],
    [['setup', 'contention'], /setup needs --out FILE/],
    [['setup', 'contention', '--seats', '5', '--vus', '2', '--out', 'f.json'], /--seats 5 exceeds --vus 2/],
    [['verify', 'contention', '--k6-output', 'out.json'], /verify needs --fixture FILE/],
  ])('%j is exit 2 with one line', async (args, message) => {
    const { code, err } = await cli(args);
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(message);
  });
});
