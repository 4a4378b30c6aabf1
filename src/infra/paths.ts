/**
 * Where the infra module keeps its files. Everything is anchored at the repository root found
 * from this file's location, so the CLI behaves the same from any working directory.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (src/infra/ is two levels below it). */
export const REPO_ROOT: string = fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, '');

/** Default folder of the SQL migrations of the bundled target service. */
export const DEFAULT_MIGRATIONS_DIR: string = path.join(REPO_ROOT, 'target-service', 'migrations');

/** The Maven project whose runtime dependencies are the Kafka broker's jars. */
export const KAFKA_POM: string = path.join(REPO_ROOT, 'infra', 'kafka', 'pom.xml');

/** Environment variables that move the state and cache folders. */
export const INFRA_DIR_ENV = {
  stateDir: 'TICKETBENCH_STATE_DIR',
  cacheDir: 'TICKETBENCH_CACHE_DIR',
} as const;

/**
 * The state folder: the option, else $TICKETBENCH_STATE_DIR, else `<repo>/.ticketbench/state`.
 * Returned as an absolute path; not created.
 */
export function resolveStateDir(stateDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(stateDir ?? env[INFRA_DIR_ENV.stateDir] ?? path.join(REPO_ROOT, '.ticketbench', 'state'));
}

/**
 * The cache folder: the option, else $TICKETBENCH_CACHE_DIR, else `<repo>/.ticketbench/cache`.
 * Returned as an absolute path; not created.
 */
export function resolveCacheDir(cacheDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(cacheDir ?? env[INFRA_DIR_ENV.cacheDir] ?? path.join(REPO_ROOT, '.ticketbench', 'cache'));
}

/** Files of the local Kafka broker inside the state folder. */
export interface KafkaStatePaths {
  readonly dir: string;
  readonly serverProperties: string;
  readonly log4jProperties: string;
  readonly dataDir: string;
  /** Written by log4j. */
  readonly serverLog: string;
  /** The JVM's own stdout/stderr (crashes before log4j is up). */
  readonly stdoutLog: string;
}

/** Paths of the local Kafka broker's files under `<stateDir>/kafka/`. */
export function kafkaStatePaths(stateDir: string): KafkaStatePaths {
  const dir = path.join(stateDir, 'kafka');
  return {
    dir,
    serverProperties: path.join(dir, 'server.properties'),
    log4jProperties: path.join(dir, 'log4j.properties'),
    dataDir: path.join(dir, 'data'),
    serverLog: path.join(dir, 'server.log'),
    stdoutLog: path.join(dir, 'stdout.log'),
  };
}

/** Pid file of a server started by `infra up`, e.g. `<stateDir>/redis.pid`. */
export function pidFilePath(stateDir: string, server: 'mariadb' | 'redis' | 'kafka'): string {
  return path.join(stateDir, `${server}.pid`);
}
