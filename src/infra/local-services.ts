/**
 * `infra status | up | down`: inspect the three servers, start the local ones that are missing
 * (and only those), and stop again exactly what `up` started.
 */
import { isLocalHost, redactUrl } from '../config/connections.ts';
import { TicketbenchError } from '../errors.ts';
import { oneLineError } from './error-text.ts';
import { findExecutable } from './executables.ts';
import { healFaultLeftovers } from './fault-leftovers.ts';
import { ensureTopic, probeKafka, RESERVATION_CONFIRMED_PARTITIONS, RESERVATION_CONFIRMED_TOPIC } from './kafka-admin.ts';
import { parseBroker, startLocalKafka } from './kafka-broker.ts';
import { KAFKA_VERSION } from './kafka-jars.ts';
import { applyMigrations } from './migrations.ts';
import { MYSQL_SERVER_BINARIES, mysqlTarget, probeMysql, startLocalMysql } from './mysql.ts';
import { resolveCacheDir, resolveStateDir } from './paths.ts';
import { isPortClosed } from './ports.ts';
import { isSameProcess, removePidFile, stopProcess } from './processes.ts';
import { redisTarget, probeRedis, startLocalRedis } from './redis.ts';
import { forgetStarted, readStarted, runningStarted, type StartedServer } from './started-state.ts';
import { withStateLock } from './state-lock.ts';
import type { InfraContext, InfraOptions, ProbeResult, ServerName, ServerStatus } from './types.ts';

/**
 * Probes MySQL, Redis and Kafka in parallel (≈ 2 s timeout each) and reports each one.
 * Never throws for an unreachable or misconfigured server: it is reported with `error`.
 * @returns the statuses in the order mysql, redis, kafka.
 */
export async function infraStatus(opts: InfraOptions): Promise<ServerStatus[]> {
  const ctx = context(opts);
  const { mysqlUrl, redisUrl, kafkaBrokers } = opts.connections;
  const [mysql, redis, kafka] = await Promise.all([
    guardedProbe(() => probeMysql(mysqlUrl)),
    guardedProbe(() => probeRedis(redisUrl)),
    guardedProbe(() => probeKafka(kafkaBrokers)),
  ]);
  const kafkaPid = managedPid(ctx, 'kafka', kafkaEndpoint(kafkaBrokers));
  return [
    toStatus('mysql', redactUrl(mysqlUrl), mysql, managedPid(ctx, 'mysql', safeEndpoint(() => mysqlTarget(mysqlUrl)))),
    toStatus('redis', redactUrl(redisUrl), redis, managedPid(ctx, 'redis', safeEndpoint(() => redisTarget(redisUrl)))),
    // kafkajs cannot ask a broker its version; for the broker we run we know it.
    toStatus('kafka', kafkaBrokers.join(','), kafka.reachable && kafkaPid !== undefined ? { ...kafka, version: KAFKA_VERSION } : kafka, kafkaPid),
  ];
}

/**
 * Brings the servers up, in order: MySQL (start the local server if needed, create the database,
 * apply migrations), Redis, Kafka (start a local broker if needed), then creates the topic
 * `reservation.confirmed` (3 partitions) if missing. A server is started only when it is
 * unreachable, its host is this machine and nothing listens on its port. What it starts is
 * recorded in `<stateDir>/started.json` for `infraDown`; progress goes to `opts.log`.
 * Concurrent ups/downs on one state folder wait for each other (`<stateDir>/infra.lock`).
 * Kafka's first start fetches jars with mvn and takes 10–60 s.
 * @returns the names started now, the statuses afterwards, the migration versions applied now.
 * @throws TicketbenchError INFRA_UNAVAILABLE (a server unreachable and not startable, a failed
 *   start or migration) or KAFKA_SETUP_FAILED (Java, Maven, jars, storage format); the message
 *   is one line saying what to do. No other error escapes.
 */
export async function infraUp(opts: InfraOptions): Promise<{ started: string[]; statuses: ServerStatus[]; migrationsApplied: string[] }> {
  const ctx = context(opts);
  try {
    return await withStateLock(ctx.stateDir, () => upLocked(ctx, opts));
  } catch (err) {
    throw asInfraError(err, 'infra up');
  }
}

async function upLocked(ctx: InfraContext, opts: InfraOptions): Promise<{ started: string[]; statuses: ServerStatus[]; migrationsApplied: string[] }> {
  const { mysqlUrl, redisUrl, kafkaBrokers } = opts.connections;
  const started: string[] = [];
  // A run killed mid-fault may have left Redis shut down or a target stopped: undo that first.
  for (const line of await healFaultLeftovers(ctx.stateDir)) ctx.log(`healed a fault left by a run that died: ${line}`);

  const mysql = mysqlTarget(mysqlUrl);
  const mysqlStarted = await ensureServer({
    label: 'MySQL', address: redactUrl(mysqlUrl), flag: '--mysql-url', service: 'mysql',
    host: mysql.host, port: mysql.port,
    probe: () => probeMysql(mysqlUrl),
    findBinary: () => findExecutable(MYSQL_SERVER_BINARIES),
    binaryLabel: 'mariadbd/mysqld',
    start: (binary) => startLocalMysql(ctx, mysqlUrl, binary),
  });
  if (mysqlStarted) started.push('mysql');
  const migrationsApplied = await applyMigrations(mysqlUrl);
  if (migrationsApplied.length > 0) ctx.log(`applied migrations ${migrationsApplied.join(', ')} to ${mysql.database}`);

  const redis = redisTarget(redisUrl);
  const redisStarted = await ensureServer({
    label: 'Redis', address: redactUrl(redisUrl), flag: '--redis-url', service: 'redis',
    host: redis.host, port: redis.port,
    probe: () => probeRedis(redisUrl),
    findBinary: () => findExecutable(['redis-server']),
    binaryLabel: 'redis-server',
    start: (binary) => startLocalRedis(ctx, redisUrl, binary),
  });
  if (redisStarted) started.push('redis');

  if (await ensureKafka(ctx, kafkaBrokers)) started.push('kafka');
  if (await ensureTopic(kafkaBrokers, RESERVATION_CONFIRMED_TOPIC, RESERVATION_CONFIRMED_PARTITIONS)) {
    ctx.log(`created Kafka topic ${RESERVATION_CONFIRMED_TOPIC} (${RESERVATION_CONFIRMED_PARTITIONS} partitions)`);
  }

  const statuses = await infraStatus(opts);
  return { started, statuses, migrationsApplied };
}

/**
 * Stops the servers `infraUp` started (per `<stateDir>/started.json`) that still run as the
 * same process: SIGTERM, up to 30 s, then SIGKILL; removes their pid files and records.
 * Servers it did not start are never touched.
 * @returns the names stopped now (kafka, redis, mysql order), [] when nothing was running.
 * @throws TicketbenchError INFRA_UNAVAILABLE when a process cannot be signalled or survives SIGKILL.
 */
export async function infraDown(opts: InfraOptions): Promise<{ stopped: string[] }> {
  const ctx = context(opts);
  try {
    return await withStateLock(ctx.stateDir, () => downLocked(ctx));
  } catch (err) {
    throw asInfraError(err, 'infra down');
  }
}

async function downLocked(ctx: InfraContext): Promise<{ stopped: string[] }> {
  const stopped: string[] = [];
  for (const name of ['kafka', 'redis', 'mysql'] as const) {
    const server = readStarted(ctx.stateDir).find((s) => s.name === name);
    if (!server) continue;
    if (isSameProcess(server)) {
      ctx.log(`stopping ${name} (pid ${server.pid})`);
      const result = await stopProcess(server.pid, 30_000);
      if (result !== 'gone') stopped.push(name);
      if (result === 'killed') ctx.log(`${name} did not stop within 30 s and was killed`);
    }
    removePidFile(server.pidFile);
    forgetStarted(ctx.stateDir, name);
  }
  return { stopped };
}

interface ServerSpec {
  readonly label: 'MySQL' | 'Redis';
  readonly address: string;
  readonly flag: string;
  /** Its name in docker-compose.yml. */
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly probe: () => Promise<ProbeResult>;
  readonly findBinary: () => string | undefined;
  readonly binaryLabel: string;
  readonly start: (binary: string) => Promise<StartedServer>;
}

/** Probes a server and starts it locally when allowed; true when it was started. */
async function ensureServer(spec: ServerSpec): Promise<boolean> {
  const probe = await spec.probe();
  if (probe.reachable) return false;
  await assertStartable(spec.label, spec.address, spec.flag, spec.host, spec.port, probe.error);
  const binary = spec.findBinary();
  if (!binary) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `${spec.label} at ${spec.address} is not reachable and ${spec.binaryLabel} is not installed; start ${spec.label} (e.g. docker compose up -d ${spec.service}) or pass ${spec.flag}.`);
  }
  await spec.start(binary);
  return true;
}

async function ensureKafka(ctx: InfraContext, brokers: readonly string[]): Promise<boolean> {
  const probe = await probeKafka(brokers);
  if (probe.reachable) return false;
  const address = brokers.join(',');
  const only = brokers.length === 1 ? brokers[0] : undefined;
  if (only === undefined) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `Kafka at ${address} is not reachable (${probe.error}); infra up starts only a single local broker, so start your cluster or pass one --kafka-brokers host:port.`);
  }
  const { host, port } = parseBroker(only);
  await assertStartable('Kafka', address, '--kafka-brokers', host, port, probe.error);
  await startLocalKafka(ctx, only);
  return true;
}

/** Throws unless the host is this machine and nothing listens on the port. */
async function assertStartable(label: string, address: string, flag: string, host: string, port: number, error: string | undefined): Promise<void> {
  if (!isLocalHost(host)) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `${label} at ${address} is not reachable (${error ?? 'no answer'}) and is not on this machine, so infra up cannot start it; start it there or pass ${flag}.`);
  }
  if (!(await isPortClosed(host, port))) {
    // Something answers on the port but not as a usable server (bad credentials, still starting, another program).
    throw new TicketbenchError('INFRA_UNAVAILABLE', `${label} at ${address} is not usable (${error ?? 'no answer'}) although its port is open; fix that server or its credentials, or pass ${flag}.`);
  }
}

function context(opts: InfraOptions): InfraContext {
  return {
    stateDir: resolveStateDir(opts.stateDir),
    cacheDir: resolveCacheDir(opts.cacheDir),
    log: opts.log ?? (() => {}),
  };
}

async function guardedProbe(probe: () => Promise<ProbeResult>): Promise<ProbeResult> {
  try {
    return await probe();
  } catch (err) {
    return { reachable: false, version: 'unknown', error: oneLineError(err) };
  }
}

function toStatus(name: ServerName, address: string, probe: ProbeResult, pid: number | undefined): ServerStatus {
  return {
    name,
    address,
    reachable: probe.reachable,
    version: probe.reachable ? probe.version : 'unknown',
    ...(pid !== undefined ? { managedPid: pid } : {}),
    ...(!probe.reachable ? { error: probe.error ?? 'not reachable' } : {}),
  };
}

/** The pid of the server we started for this endpoint, when it still runs. */
function managedPid(ctx: InfraContext, name: ServerName, endpoint: { host: string; port: number } | undefined): number | undefined {
  if (!endpoint) return undefined;
  const server = runningStarted(ctx.stateDir, name);
  if (!server) return undefined;
  const recorded = parseBroker(server.endpoint);
  const sameHost = recorded.host === endpoint.host || (isLocalHost(recorded.host) && isLocalHost(endpoint.host));
  return sameHost && recorded.port === endpoint.port ? server.pid : undefined;
}

function kafkaEndpoint(brokers: readonly string[]): { host: string; port: number } | undefined {
  return brokers.length === 1 && brokers[0] ? parseBroker(brokers[0]) : undefined;
}

function safeEndpoint(parse: () => { host: string; port: number }): { host: string; port: number } | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}

function asInfraError(err: unknown, what: string): TicketbenchError {
  if (err instanceof TicketbenchError) return err;
  return new TicketbenchError('INFRA_UNAVAILABLE', `${what} failed: ${oneLineError(err)}.`, { cause: err });
}
