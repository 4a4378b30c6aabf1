/**
 * The checkers `npm run bench:checks` times: every checker that judges reservations, payments and
 * events (flash-sale's, contention's and hold-expiry's sets). The wallet and queue checkers judge
 * other data (ledgers, Redis queues) and are not part of a seeded sale.
 */
import type { Checker } from '../../src/checks/checker.ts';
import { doubleBookingChecker } from '../../src/checks/double-booking.ts';
import { expiryOnTimeChecker, noPayAfterExpiryChecker, paidNeverExpiredChecker } from '../../src/checks/hold-expiry.ts';
import { historyVsMysqlChecker } from '../../src/checks/history-vs-mysql.ts';
import { holdOverlapChecker } from '../../src/checks/hold-overlap.ts';
import { kafkaEventsChecker } from '../../src/checks/kafka-events.ts';
import { orphanLocksChecker } from '../../src/checks/orphan-locks.ts';
import { sellOutChecker } from '../../src/checks/sell-out.ts';

/** In the order flash-sale runs them, then hold-expiry's own. */
export const BENCHED_CHECKERS: Checker<any>[] = [
  doubleBookingChecker,
  holdOverlapChecker,
  historyVsMysqlChecker,
  orphanLocksChecker,
  kafkaEventsChecker,
  sellOutChecker,
  expiryOnTimeChecker({ slackMs: 1_000, expectReheld: false }),
  paidNeverExpiredChecker,
  noPayAfterExpiryChecker,
];
