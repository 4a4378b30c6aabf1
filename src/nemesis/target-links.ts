/** The relays a run puts between its target instances and MySQL and Redis when a network fault may act on them. */
import type { ConnectionSettings } from '../config/connections.ts';
import { mysqlTarget } from '../infra/mysql.ts';
import { redisTarget } from '../infra/redis.ts';
import { startLinkProxy, type LinkProxy } from './link-proxy.ts';

/** The relays and the connection settings the target instances are started with. */
export interface TargetLinks {
  /** MySQL's relay first, then Redis's. */
  readonly links: readonly LinkProxy[];
  /** `connections` with MySQL and Redis pointed at the relays (Kafka unchanged). */
  readonly connections: ConnectionSettings;
  close(): Promise<void>;
}

/**
 * Starts a relay to the run's MySQL and one to its Redis.
 * @throws the listen error.
 */
export async function startTargetLinks(connections: ConnectionSettings): Promise<TargetLinks> {
  const mysql = mysqlTarget(connections.mysqlUrl);
  const redis = redisTarget(connections.redisUrl);
  const mysqlLink = await startLinkProxy(`mysql ${mysql.host}:${mysql.port}`, mysql);
  const redisLink = await startLinkProxy(`redis ${redis.host}:${redis.port}`, redis);
  const relayed = (url: string, port: number) => {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString();
  };
  return {
    links: [mysqlLink, redisLink],
    connections: { ...connections, mysqlUrl: relayed(connections.mysqlUrl, mysqlLink.port), redisUrl: relayed(connections.redisUrl, redisLink.port) },
    close: async () => {
      await Promise.all([mysqlLink.close(), redisLink.close()]);
    },
  };
}
