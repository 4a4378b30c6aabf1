/** Opens and closes the datastore connections the checkers read from. */
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import type { ConnectionSettings } from '../config/connections.ts';
import { serviceMysqlUrl } from '../profile/database.ts';
import type { TargetProfile } from '../profile/schema.ts';
import type { StoreClients } from './checker.ts';

/**
 * Connects a small MySQL pool on the profile's service database, a Redis client and a Kafka
 * client (lazy: connects on use), with the profile's description of what to read.
 */
export function openStores(connections: ConnectionSettings, profile: Pick<TargetProfile, 'name' | 'stores'>): StoreClients & { close(): Promise<void> } {
  const pool = mysql.createPool({ uri: serviceMysqlUrl(connections.mysqlUrl, profile), connectionLimit: 4, supportBigNumbers: true, bigNumberStrings: false, dateStrings: true });
  const redis = new Redis(connections.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  const kafka = new Kafka({ clientId: 'ticketbench-checker', brokers: [...connections.kafkaBrokers], logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 3 } });
  return {
    mysql: pool,
    redis,
    kafka,
    profile: profile.stores,
    profileName: profile.name,
    async close() {
      await Promise.allSettled([pool.end(), redis.quit()]);
    },
  };
}
