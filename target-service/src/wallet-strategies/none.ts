/**
 * `none`: deliberately unsafe. Reads the balance with a plain query before its transaction, then
 * writes `read + delta` back as an absolute value: read-modify-write with nothing serialising
 * concurrent writers of one user, so two changes that read the same balance both commit and the
 * later write silently replaces the earlier one (a lost update), and two payments can both spend
 * the same points. The ledger rows of both are kept, so the balance drifts from the sum of the
 * ledger: the anomaly the wallet checks must catch (Jepsen's bank test `wrong-total`).
 * Idempotency is not weakened: the unique (user, key) of the ledger still refuses a replayed key,
 * as for every strategy, so the drift comes from different keys only. Never a speed baseline.
 */
import { inTransaction } from '../db.ts';
import { balanceAfter, readWallet, writeBalance } from './wallet-queries.ts';
import type { WalletStrategyFactory } from './types.ts';

/** Creates the `none` wallet strategy. */
export const createNoLockWalletStrategy: WalletStrategyFactory = ({ pool }) => ({
  name: 'none',
  async apply(userId, work) {
    // Read outside the transaction: a stale read is the point, and it keeps the lost update
    // independent of the server's snapshot rules (MariaDB's innodb_snapshot_isolation).
    const read = await readWallet(pool, userId);
    return inTransaction(pool, async (conn) => {
      const change = await work(conn);
      const after = balanceAfter(userId, read.balance, change.delta);
      await writeBalance(conn, userId, after);
      return change.write(conn, after);
    });
  },
});
