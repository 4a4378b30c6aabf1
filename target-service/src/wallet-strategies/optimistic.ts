/**
 * `optimistic` (JPA `@Version`, which seed 000 weighed for points and rejected for its retry
 * loops): a plain read of balance and version, then one transaction whose
 * `UPDATE … WHERE user_id = ? AND version = ?` only succeeds if nobody changed the wallet since
 * the read. A lost race rolls back and is retried from the read after a full-jitter backoff, at
 * most `optimisticRetries` times (bounded: seed 000's "infinite retry risk"), then answered 409
 * WALLET_CONFLICT. Nothing waits on a lock; under heavy contention on one user most of the work
 * is retries.
 */
import { inTransaction } from '../db.ts';
import { HttpError } from '../errors.ts';
import { optimisticBackoffMs } from '../hold-strategies/optimistic.ts';
import { balanceAfter, isLockContention, readWallet, walletBusy, writeBalanceIfVersion } from './wallet-queries.ts';
import type { WalletStrategyFactory } from './types.ts';

// MariaDB with innodb_snapshot_isolation=ON refuses to update a row changed after the
// transaction's read view (errno 1020): the same lost race as a version mismatch.
const ER_CHECKREAD = 1020;

// A retry signal inside the transaction callback; makes inTransaction roll back.
class VersionConflict extends Error {}

/** Creates the `optimistic` wallet strategy. */
export const createOptimisticWalletStrategy: WalletStrategyFactory = ({ pool, optimisticRetries, optimisticBackoffMs: baseMs, metrics }) => ({
  name: 'optimistic',
  async apply(userId, work) {
    for (let retry = 0; ; retry += 1) {
      if (retry > 0) await new Promise((resolve) => setTimeout(resolve, optimisticBackoffMs(baseMs, retry)));
      const read = await readWallet(pool, userId);
      try {
        return await inTransaction(pool, async (conn) => {
          const change = await work(conn);
          const after = balanceAfter(userId, read.balance, change.delta);
          if (!(await writeBalanceIfVersion(conn, userId, after, read.version).catch(asConflict))) throw new VersionConflict();
          return change.write(conn, after);
        });
      } catch (err) {
        if (isLockContention(err)) throw walletBusy(userId, 'deadlock');
        if (!(err instanceof VersionConflict)) throw err;
        if (retry >= optimisticRetries) {
          throw new HttpError(409, 'WALLET_CONFLICT', `The wallet of user ${userId} kept changing; gave up after ${retry + 1} attempt(s). Nothing was changed.`);
        }
        metrics?.walletOptimisticRetries.inc();
      }
    }
  },
});

function asConflict(err: unknown): never {
  if ((err as { errno?: unknown } | null)?.errno === ER_CHECKREAD) throw new VersionConflict();
  throw err;
}
