/** `GET /health` and `GET /metrics`. */
import { Router } from 'express';
import type { Metrics } from '../metrics.ts';
import { describe } from '../log.ts';
import { withTimeout } from '../timing.ts';

/** One dependency check: resolves when healthy, throws a describing error otherwise. */
export type HealthCheck = () => Promise<void>;

/** The checks `/health` runs, by name (`mysql`, `redis`, `kafka`). */
export type HealthChecks = Readonly<Record<string, HealthCheck>>;

/** Each check must answer within this many milliseconds. */
export const HEALTH_TIMEOUT_MS = 1_500;

/**
 * Runs every check in parallel with a timeout.
 * @returns per check `ok` or the failure message, and whether all passed.
 */
export async function runHealthChecks(checks: HealthChecks): Promise<{ ok: boolean; checks: Record<string, string> }> {
  const names = Object.keys(checks);
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        await withTimeout(Promise.resolve().then(checks[name]), HEALTH_TIMEOUT_MS, name);
        return 'ok';
      } catch (err) {
        return describe(err);
      }
    }),
  );
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    out[name] = results[i] ?? 'unknown';
  });
  return { ok: results.every((r) => r === 'ok'), checks: out };
}

/** Router with `/health` (200 or 503) and `/metrics` (Prometheus text). */
export function healthRoutes(checks: HealthChecks, metrics: Metrics): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const result = await runHealthChecks(checks);
    if (result.ok) {
      res.json({ status: 'ok', checks: result.checks });
      return;
    }
    const failing = Object.entries(result.checks)
      .filter(([, v]) => v !== 'ok')
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
    res.status(503).json({ status: 'fail', checks: result.checks, error: { code: 'UNHEALTHY', message: failing } });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return router;
}
