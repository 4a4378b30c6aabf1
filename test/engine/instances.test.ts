// Several target instances: VUs spread over them, a VU whose instance stops answering moves on,
// and each instance's answers and silences are reported. Real HTTP servers on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History } from '../../src/engine/history.ts';
import { runLoad } from '../../src/engine/run-load.ts';
import { ok } from '../../src/engine/vu.ts';
import { freePort } from '../../src/infra/ports.ts';

const servers: Server[] = [];
const urls: string[] = [];
const served: number[] = [];

async function serve(index: number): Promise<void> {
  served[index] = 0;
  const server = createServer((_req, res) => {
    served[index]! += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

beforeAll(async () => {
  await serve(0);
  await serve(1);
});
afterAll(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));

const iteration = (vu: import('../../src/engine/vu.ts').VuContext) =>
  vu.op('read', {}, async () => ok({ status: (await vu.http.request('read', 'GET', '/')).status })).then(() => undefined);

describe('runLoad over several instances', () => {
  it('spreads the VUs over the instances and counts what each answered', async () => {
    const before = [...served];
    const summary = await runLoad({ baseUrl: urls[0]!, instances: urls, executor: { executor: 'shared-iterations', vus: 4, iterations: 40, maxDurationMs: 30_000 }, requestTimeoutMs: 5_000, iteration, history: new History() });
    expect(summary.requests).toBe(40);
    expect(summary.instances).toHaveLength(2);
    const [a, b] = summary.instances!;
    expect(a!.answered + b!.answered).toBe(40);
    expect(a!.answered).toBe(served[0]! - before[0]!);
    expect(b!.answered).toBe(served[1]! - before[1]!);
    expect(a!.answered).toBeGreaterThan(0);
    expect(b!.answered).toBeGreaterThan(0);
    expect(a).not.toHaveProperty('firstErrorMs');
  });

  it('moves the VUs of an instance that does not answer to the next one, and says when it stopped answering', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const history = new History();
    const summary = await runLoad({ baseUrl: dead, instances: [dead, urls[1]!], executor: { executor: 'shared-iterations', vus: 4, iterations: 40, maxDurationMs: 30_000 }, requestTimeoutMs: 5_000, iteration, history });
    const [down, up] = summary.instances!;
    // VUs 1 and 3 started on the dead instance: one refused request each, then they moved.
    expect(down).toMatchObject({ url: dead, answered: 0, unanswered: 2 });
    expect(down!.firstErrorMs).toBeGreaterThanOrEqual(0);
    expect(down).not.toHaveProperty('backAtMs');
    expect(up).toMatchObject({ answered: 38, unanswered: 0 });
    expect(summary.ops['read']).toEqual({ ok: 38, fail: 0, info: 2 });
  });
});
