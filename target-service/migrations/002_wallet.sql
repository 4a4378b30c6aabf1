-- ticketbench bundled target: points wallets and their ledger (seed 000: charge and pay with
-- points under `userWalletLock:{userId}`; seed 002: a pessimistic lock for points).
-- Runs on MySQL 8 and MariaDB 10.11. Applied by `ticketbench infra up` after 001_init.sql.
-- Every index below names the query that needs it.

-- One wallet per user. `balance` must always equal the SUM(amount) of the user's ledger rows:
-- the wallet strategies differ only in how they serialise the update of this row.
CREATE TABLE wallets (
  user_id BIGINT NOT NULL PRIMARY KEY,
  -- points
  balance BIGINT NOT NULL DEFAULT 0,
  -- bumped by every update: the `optimistic` strategy's version check, `redis-lock`'s fence
  version BIGINT NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every change of a balance, signed: + for INITIAL (fixtures), CHARGE and REFUND, − for PAYMENT.
CREATE TABLE wallet_ledger (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  -- signed points
  amount BIGINT NOT NULL,
  -- INITIAL | CHARGE | PAYMENT | REFUND
  type VARCHAR(16) NOT NULL,
  -- the client's idempotency key (NULL: INITIAL rows, payments sent without one); binary
  -- collation, so keys differing only in case are different keys
  idempotency_key VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NULL,
  -- PAYMENT and REFUND rows: the reservation paid for or refunded
  reservation_id BIGINT NULL,
  -- the balance right after this row was applied: what a replay of its key answers
  balance_after BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  -- idempotency, the same for every wallet strategy: a key is applied at most once per user
  -- (replay lookup by (user, key)); its user_id prefix also serves the per-user reads (checkers'
  -- SUM(amount) and rows of a run's users)
  UNIQUE KEY uk_wallet_ledger_user_key (user_id, idempotency_key),
  -- payment debits and refunds of a reservation (payment replay; checkers: one debit per
  -- CONFIRMED reservation)
  KEY idx_wallet_ledger_reservation (reservation_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Users created before this migration get an empty wallet (balance 0 = the sum of no rows).
INSERT INTO wallets (user_id) SELECT id FROM users;
