/** The connection flags every command that touches the datastores takes. */
import type { Command } from 'commander';
import { CONNECTION_ENV, DEFAULT_CONNECTIONS, resolveConnections, type ConnectionSettings } from '../config/connections.ts';

/** Adds `--mysql-url`, `--redis-url`, `--kafka-brokers` and `--state-dir` to a command. */
export function addConnectionFlags(command: Command): Command {
  return command
    .option('--mysql-url <url>', `MySQL/MariaDB URL (env ${CONNECTION_ENV.mysqlUrl}; default ${DEFAULT_CONNECTIONS.mysqlUrl})`)
    .option('--redis-url <url>', `Redis URL (env ${CONNECTION_ENV.redisUrl}; default ${DEFAULT_CONNECTIONS.redisUrl})`)
    .option('--kafka-brokers <list>', `Kafka brokers host:port,... (env ${CONNECTION_ENV.kafkaBrokers}; default ${DEFAULT_CONNECTIONS.kafkaBrokers.join(',')})`)
    .option('--state-dir <dir>', 'folder for logs, pid files and Kafka data (default .ticketbench/state)');
}

/**
 * The connection settings from the flags added by `addConnectionFlags`, then env, then defaults.
 * @throws TicketbenchError INVALID_OPTION for a bad URL or broker list.
 */
export function connectionsFromFlags(opts: Readonly<Record<string, unknown>>): ConnectionSettings {
  return resolveConnections({
    mysqlUrl: opts['mysqlUrl'] as string | undefined,
    redisUrl: opts['redisUrl'] as string | undefined,
    kafkaBrokers: opts['kafkaBrokers'] as string | undefined,
  });
}
