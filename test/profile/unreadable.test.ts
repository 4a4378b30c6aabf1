// A profile that does not fit the service: most answers of an operation unreadable stops the
// load with one line naming the operation, exit 4 (not a run of `info` proving nothing).
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

let server: Server;
let url: string;
const dir = mkdtempSync(path.join(tmpdir(), 'tb-unreadable-'));
const profileFile = path.join(dir, 'garbage.json');

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/fixtures') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ schedule: 9_000_001, seats: ['A1'], users: Array.from({ length: 30 }, (_, i) => `u${i}`) }));
      } else {
        // A 200 that is not the JSON the profile reads.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>maintenance</body></html>');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  writeFileSync(
    profileFile,
    JSON.stringify({
      name: 'garbage',
      setup: { kind: 'http', path: '/fixtures', ok: { status: [201] }, capture: { scheduleId: 'schedule', seatNos: 'seats', userIds: 'users' } },
      operations: {
        hold: { method: 'POST', path: '/hold', ok: { status: [200], json: { path: 'code', in: ['OK'] } }, capture: { reservationId: 'data.id' } },
        pay: { method: 'POST', path: '/pay', ok: { status: [200] }, capture: { paymentId: 'id' } },
      },
    }),
  );
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('unreadable answers', () => {
  it('stop the load with exit 4 and one line naming the operation and an example answer', async () => {
    const result = await cli(['run', 'contention', '--ci', '--no-infra', '--profile', profileFile, '--target-url', url, '--vus', '30', '--iterations', '300']);
    expect(result.code).toBe(4);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ticketbench: \d+ of \d+ answers to operations\.hold of profile "garbage" could not be read \(e\.g\. HTTP 200: <html><body>maintenance<\/body><\/html>\); the profile does not fit the service/);
  });
});
