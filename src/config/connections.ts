/**
 * Connection settings of the datastores, from flags, then environment, then defaults.
 * Passwords are kept only in the URLs handed to drivers; everything printed goes through
 * `redactUrl`.
 */
import { TicketbenchError } from '../errors.ts';

/** Where ticketbench and the bundled target find MySQL, Redis and Kafka. */
export interface ConnectionSettings {
  /** e.g. `mysql://root@127.0.0.1:3306/ticketbench` (the database is created by `infra up`). */
  readonly mysqlUrl: string;
  /** e.g. `redis://127.0.0.1:6379`. */
  readonly redisUrl: string;
  /** Kafka bootstrap brokers, `host:port` each. */
  readonly kafkaBrokers: readonly string[];
}

/** Defaults; the same values docker-compose.yml exposes. */
export const DEFAULT_CONNECTIONS: ConnectionSettings = {
  mysqlUrl: 'mysql://root@127.0.0.1:3306/ticketbench',
  redisUrl: 'redis://127.0.0.1:6379',
  kafkaBrokers: ['127.0.0.1:9092'],
};

/** Environment variables read by `resolveConnections` (flags win over them). */
export const CONNECTION_ENV = {
  mysqlUrl: 'TICKETBENCH_MYSQL_URL',
  redisUrl: 'TICKETBENCH_REDIS_URL',
  kafkaBrokers: 'TICKETBENCH_KAFKA_BROKERS',
} as const;

/** Flag values as commander gives them (all optional strings). */
export interface ConnectionFlags {
  readonly mysqlUrl?: string | undefined;
  readonly redisUrl?: string | undefined;
  readonly kafkaBrokers?: string | undefined;
}

/**
 * Resolves and validates connection settings.
 * @throws TicketbenchError INVALID_OPTION naming the bad setting when a URL does not parse
 *   or has the wrong scheme, or a broker is not `host:port`.
 */
export function resolveConnections(flags: ConnectionFlags = {}, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const mysqlUrl = flags.mysqlUrl ?? env[CONNECTION_ENV.mysqlUrl] ?? DEFAULT_CONNECTIONS.mysqlUrl;
  const redisUrl = flags.redisUrl ?? env[CONNECTION_ENV.redisUrl] ?? DEFAULT_CONNECTIONS.redisUrl;
  const brokersText = flags.kafkaBrokers ?? env[CONNECTION_ENV.kafkaBrokers];
  const kafkaBrokers = brokersText === undefined ? DEFAULT_CONNECTIONS.kafkaBrokers : brokersText.split(',').map((b) => b.trim()).filter(Boolean);

  const mysql = parseUrl(mysqlUrl, '--mysql-url', ['mysql:', 'mariadb:']);
  if (!databaseName(mysql)) {
    throw new TicketbenchError('INVALID_OPTION', `--mysql-url ${redactUrl(mysqlUrl)} names no database; add one, e.g. mysql://root@127.0.0.1:3306/ticketbench.`);
  }
  parseUrl(redisUrl, '--redis-url', ['redis:', 'rediss:']);
  if (kafkaBrokers.length === 0) throw new TicketbenchError('INVALID_OPTION', '--kafka-brokers is empty; give host:port[,host:port].');
  for (const broker of kafkaBrokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) {
      throw new TicketbenchError('INVALID_OPTION', `--kafka-brokers entry "${broker}" is not host:port.`);
    }
  }
  return { mysqlUrl, redisUrl, kafkaBrokers };
}

/** The database name of a MySQL URL (its path without the slash), or '' when none. */
export function databaseName(url: URL): string {
  return decodeURIComponent(url.pathname.replace(/^\//, ''));
}

/** Replaces the password of a URL with `***` for output; unparsable text is returned masked. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return text.replace(/:[^:@/]*@/, ':***@');
  }
}

/** True when a URL's host is this machine (only then may `infra up` start a local server). */
export function isLocalHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

function parseUrl(text: string, flag: string, schemes: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TicketbenchError('INVALID_OPTION', `${flag} "${redactUrl(text)}" is not a URL; expected e.g. ${schemes[0]}//host:port.`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new TicketbenchError('INVALID_OPTION', `${flag} must start with ${schemes.map((s) => `${s}//`).join(' or ')}, got "${redactUrl(text)}".`);
  }
  return url;
}
