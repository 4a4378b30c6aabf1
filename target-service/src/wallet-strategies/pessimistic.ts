/**
 * `pessimistic` (seed 002: "pessimistic lock for points"; the default): one transaction takes the
 * wallet row's exclusive lock with `SELECT … FOR UPDATE`, checks the funds, writes the new
 * balance and the ledger row, commits. Concurrent changes of one user queue on the row lock. The
 * wait is bounded by the session's `innodb_lock_wait_timeout` (5 s); a lock wait timeout or a
 * deadlock is answered 409 WALLET_BUSY with everything rolled back.
 */
import { inTransaction } from '../db.ts';
import { secondsSince } from '../metrics.ts';
import { balanceAfter, isLockContention, readWallet, walletBusy, writeBalance } from './wallet-queries.ts';
import type { WalletStrategyFactory } from './types.ts';

/** Longest a wallet change waits for the wallet's row lock, seconds. */
export const WALLET_LOCK_WAIT_TIMEOUT_S = 5;

/** Creates the `pessimistic` wallet strategy. */
export const createPessimisticWalletStrategy: WalletStrategyFactory = ({ pool, metrics }) => ({
  name: 'pessimistic',
  async apply(userId, work) {
    try {
      return await inTransaction(pool, async (conn) => {
        await conn.query(`SET SESSION innodb_lock_wait_timeout = ${WALLET_LOCK_WAIT_TIMEOUT_S}`);
        // The operation's own rows first (a payment locks its reservation), the wallet last: every
        // path takes reservation before wallet, so the two never wait on each other in a cycle.
        const change = await work(conn);
        const started = process.hrtime.bigint();
        const wallet = await readWallet(conn, userId, true).finally(() => metrics?.walletLockWait.observe({ strategy: 'pessimistic' }, secondsSince(started)));
        const after = balanceAfter(userId, wallet.balance, change.delta);
        await writeBalance(conn, userId, after);
        return change.write(conn, after);
      });
    } catch (err) {
      if (isLockContention(err)) throw walletBusy(userId, 'row lock wait timed out or deadlocked');
      throw err;
    }
  },
});
