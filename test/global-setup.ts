// Brings the real servers up once before the suite, exactly as `ticketbench infra up` does, so
// `npm test` works on a fresh machine: MariaDB/Redis started if stopped, Kafka started from the
// Maven jars, schema applied, topic created. Servers are left running afterwards, like `infra up`.
import { DEFAULT_CONNECTIONS } from '../src/config/connections.ts';
import { infraUp } from '../src/infra/index.ts';

export default async function setup(): Promise<void> {
  const up = await infraUp({ connections: DEFAULT_CONNECTIONS, log: (m) => console.log(`[infra] ${m}`) });
  if (up.started.length > 0) console.log(`[infra] started for the tests: ${up.started.join(', ')}`);
}
