/**
 * The peer of `npm run bench:target`: a bare Express 5 app with `express.json()` that answers each
 * route with a fixed status and body, the same status and body the bundled target answered for
 * that endpoint. It costs what Express itself costs per request, so the target's figures read as
 * a share of it. `node --import tsx bench/target/bare-express.ts ROUTES.json`; prints
 * `{"port":N}` once listening on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';

/** One route of the bare app: requests matching `method` and `path` (a RegExp source) get `status` and `body`. */
export interface BareRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
}

const routes = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BareRoute[];
const app = express();
app.use(express.json());
for (const route of routes) {
  const answer = (_req: express.Request, res: express.Response) => {
    res.status(route.status).json(route.body);
  };
  if (route.method === 'GET') app.get(new RegExp(route.path), answer);
  else app.post(new RegExp(route.path), answer);
}
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
