/**
 * Fetches the Kafka broker jars into the cache (for CI, ahead of the tests):
 *   node --import tsx src/infra/fetch-kafka-jars.ts
 * Prints the libs folder on stdout; progress and errors on stderr. Exit code 0, or the
 * TicketbenchError's exit code (4, INFRA_UNAVAILABLE) with its one-line message.
 */
import { TicketbenchError } from '../errors.ts';
import { ensureKafkaJars } from './kafka-jars.ts';

try {
  const libsDir = await ensureKafkaJars({ log: (message) => process.stderr.write(`${message}\n`) });
  process.stdout.write(`${libsDir}\n`);
} catch (err) {
  if (!(err instanceof TicketbenchError)) throw err;
  process.stderr.write(`ticketbench: ${err.oneLine()}\n`);
  process.exitCode = err.exitCode;
}
