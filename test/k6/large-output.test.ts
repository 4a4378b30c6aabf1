// 1,000,000 ticketbench_op points parsed streaming: the reader holds one line at a time, so the
// heap grows by what the History keeps (columnar, as in a normal run of that many operations),
// not by the file's size (~330 MB here).
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readK6Run } from '../../src/k6/verify.ts';

const POINTS = 1_000_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function writeLargeOutput(file: string): Promise<void> {
  const out = createWriteStream(file);
  const t0 = Date.UTC(2026, 0, 1) * 1000;
  out.write('{"type":"Metric","data":{"name":"ticketbench_op","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"ticketbench_op"}\n');
  for (let i = 0; i < POINTS; i++) {
    const invoked = t0 + i * 100;
    const completed = invoked + 2_500;
    const ok = i % 50 === 0;
    const tags = {
      op: 'hold',
      outcome: ok ? 'ok' : 'fail',
      vu_id: String(1 + (i % 500)),
      invoked_us: String(invoked),
      completed_us: String(completed),
      value: `{"scheduleId":42,"seatNo":"S${1 + (i % 1000)}","userId":${100_000 + i}}`,
      result: ok ? `{"status":201,"reservationId":${i}}` : '{"status":409,"code":"SEAT_LOCKED","reason":"lost-race"}',
    };
    const line = `{"type":"Point","data":{"time":"${new Date(completed / 1000).toISOString().slice(0, 23)}000000+00:00","value":1,"tags":${JSON.stringify(tags)}},"metric":"ticketbench_op"}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('a large k6 output', () => {
  it(`parses ${POINTS.toLocaleString('en')} op points streaming with bounded memory`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tb-k6-large-'));
    const file = path.join(dir, 'out.json');
    try {
      await writeLargeOutput(file);
      const bytes = statSync(file).size;
      gc();
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
      const started = Date.now();
      const run = await readK6Run([file], { executor: 'shared-iterations', vus: 500, iterations: POINTS, maxDurationMs: 600_000 });
      clearInterval(sampler);
      gc();
      const after = process.memoryUsage().heapUsed;
      peak = Math.max(peak, after);
      const mb = (n: number) => Math.round(n / 2 ** 20);
      console.log(`k6 output ${mb(bytes)} MB, ${POINTS} points parsed in ${Date.now() - started} ms; heap used: ${mb(before)} MB before, ${mb(peak)} MB peak, ${mb(after)} MB after (history kept: ${mb(after - before)} MB)`);
      expect(run.history.length).toBe(POINTS);
      expect(run.history.counts()['hold']).toEqual({ ok: POINTS / 50, fail: POINTS - POINTS / 50, info: 0 });
      // The file never sits in memory: what stays is the columnar history, within a normal run's budget.
      expect(after - before).toBeLessThan(bytes / 2);
      expect(after - before).toBeLessThan(250 * 2 ** 20);
      expect(peak - before).toBeLessThan(400 * 2 ** 20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
