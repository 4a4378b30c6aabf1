/**
 * Points wallet endpoints: `POST /api/users/:id/wallet/charge` (through the wallet strategy,
 * idempotent per key) and `GET /api/users/:id/wallet`.
 */
import { Router } from 'express';
import type { Pool } from '../db.ts';
import { parseOrBadRequest } from '../errors.ts';
import { pathIdSchema } from '../ids.ts';
import type { Metrics } from '../metrics.ts';
import { chargeBodySchema, chargeWallet, countWalletOperation, getWallet, IDEMPOTENT_REPLAY_HEADER } from '../wallet.ts';
import type { WalletStrategy } from '../wallet-strategies/index.ts';

/**
 * Router with the wallet endpoints. A charge answers 201 `{ ledgerId, userId, amount, balance,
 * applied: true }`, or 200 with `applied: false` and header `Idempotent-Replay: true` for a key
 * already applied; a bad amount or key is 400 with nothing changed.
 * @param wallet the wallet strategy charges go through
 * @param metrics counts outcomes in `wallet_operations_total{type="charge"}`
 */
export function walletRoutes(pool: Pool, wallet: WalletStrategy, metrics?: Metrics): Router {
  const router = Router();
  router.post('/api/users/:id/wallet/charge', async (req, res) => {
    const userId = parseOrBadRequest(pathIdSchema, req.params.id, 'id');
    const { amount, idempotencyKey } = parseOrBadRequest(chargeBodySchema, req.body, 'body');
    const result = await countWalletOperation(metrics, wallet.name, 'charge', chargeWallet(pool, wallet, userId, amount, idempotencyKey), (r) => r.applied);
    if (!result.applied) res.setHeader(IDEMPOTENT_REPLAY_HEADER, 'true');
    res.status(result.applied ? 201 : 200).json(result);
  });
  router.get('/api/users/:id/wallet', async (req, res) => {
    const userId = parseOrBadRequest(pathIdSchema, req.params.id, 'id');
    res.json(await getWallet(pool, userId));
  });
  return router;
}
