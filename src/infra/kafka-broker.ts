/**
 * The local single-node Kafka broker (KRaft, broker and controller in one JVM) that `infra up`
 * runs from the cached jars, with its data and logs under `<stateDir>/kafka/`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { TicketbenchError } from '../errors.ts';
import { oneLineError } from './error-text.ts';
import { probeKafka } from './kafka-admin.ts';
import { ensureKafkaJars, KAFKA_VERSION } from './kafka-jars.ts';
import { kafkaStatePaths, pidFilePath, type KafkaStatePaths } from './paths.ts';
import { pollUntil } from './polling.ts';
import { isPortFree, unbracket } from './ports.ts';
import { isProcessAlive, processStartTime, removePidFile, spawnDetached, stopProcess } from './processes.ts';
import { forgetStarted, recordStarted, type StartedServer } from './started-state.ts';
import type { InfraContext } from './types.ts';

const execFileAsync = promisify(execFile);

/**
 * After an unclean kill the restarted broker is refused (DUPLICATE_BROKER_REGISTRATION) until
 * its old registration times out, 10–20 s; the first start also pays JVM warm-up.
 */
const START_TIMEOUT_MS = 90_000;

/** A `host:port` broker address split up; the host without IPv6 brackets. */
export function parseBroker(broker: string): { readonly host: string; readonly port: number } {
  const at = broker.lastIndexOf(':');
  return { host: unbracket(broker.slice(0, at)), port: Number(broker.slice(at + 1)) };
}

/** Inputs of `serverProperties`. */
export interface BrokerConfig {
  /** Address the listeners bind to and advertise, e.g. '127.0.0.1'. */
  readonly bindHost: string;
  /** Client (PLAINTEXT) port; the controller listens on port + 1. */
  readonly port: number;
  /** Absolute `log.dirs`. */
  readonly dataDir: string;
}

/** The broker's server.properties: KRaft, node 1 is broker and sole controller, everything replicated once. */
export function serverProperties(config: BrokerConfig): string {
  const host = config.bindHost.includes(':') ? `[${config.bindHost}]` : config.bindHost;
  const controllerPort = config.port + 1;
  return [
    '# Written by `ticketbench infra up`; rewritten on every start.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${controllerPort}`,
    `listeners=PLAINTEXT://${host}:${config.port},CONTROLLER://${host}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${host}:${config.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${config.dataDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/** log4j 1 (reload4j) configuration: everything at INFO into `serverLog`, rolled at 10 MB. */
export function log4jProperties(serverLog: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${serverLog}`,
    'log4j.appender.file.MaxFileSize=10MB',
    'log4j.appender.file.MaxBackupIndex=2',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n');
}

/**
 * A new Kafka cluster id: 16 random bytes, base64url without padding (what
 * `StorageTool random-uuid` prints, without paying for a JVM start). Like Kafka's own
 * Uuid.randomUuid it never starts with '-', which the CLI would take for an option.
 */
export function generateClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * Starts the local broker for `broker` (`host:port`, a local host): fetches the jars if needed,
 * writes the configuration, formats the storage on first start, spawns the JVM detached,
 * records it in started.json and waits (≤ 90 s) until describeCluster answers. A broker that
 * fails to come up is stopped again.
 * @throws TicketbenchError KAFKA_SETUP_FAILED (Java, jars, storage format) or
 *   INFRA_UNAVAILABLE (port busy, broker exited or did not answer in time).
 */
export async function startLocalKafka(ctx: InfraContext, broker: string): Promise<StartedServer> {
  const { host, port } = parseBroker(broker);
  const bindHost = host === '::1' ? '::1' : '127.0.0.1';
  const controllerPort = port + 1;
  if (controllerPort > 65_535) {
    throw new TicketbenchError('INFRA_UNAVAILABLE', `Kafka at ${broker}: the local broker's controller needs port ${controllerPort}, which does not exist; pick a lower --kafka-brokers port.`);
  }
  for (const [what, p] of [['broker', port], ['controller (broker port + 1)', controllerPort]] as const) {
    if (!(await isPortFree(bindHost, p))) {
      throw new TicketbenchError('INFRA_UNAVAILABLE', `Kafka at ${broker} is not reachable and port ${p}, needed by the local Kafka ${what}, is in use; free it or pick another --kafka-brokers port.`);
    }
  }

  const libsDir = await ensureKafkaJars({ cacheDir: ctx.cacheDir, log: ctx.log });
  const classpath = path.join(libsDir, '*');
  const paths = kafkaStatePaths(ctx.stateDir);
  fs.mkdirSync(paths.dir, { recursive: true });
  fs.writeFileSync(paths.serverProperties, serverProperties({ bindHost, port, dataDir: paths.dataDir }));
  fs.writeFileSync(paths.log4jProperties, log4jProperties(paths.serverLog));
  await formatStorageOnce(ctx, paths, classpath);

  const pidFile = pidFilePath(ctx.stateDir, 'kafka');
  ctx.log(`starting Kafka ${KAFKA_VERSION} broker on ${bindHost}:${port} (controller ${controllerPort}; log: ${paths.serverLog})`);
  let pid: number;
  try {
    pid = await spawnDetached({
      command: 'java',
      args: [
        '-Xms256m', '-Xmx768m', '-Djava.awt.headless=true', '-cp', classpath,
        `-Dlog4j.configuration=${pathToFileURL(paths.log4jProperties).href}`,
        'kafka.Kafka', paths.serverProperties,
      ],
      cwd: paths.dir,
      logFile: paths.stdoutLog,
      pidFile,
    });
  } catch (err) {
    throw new TicketbenchError('KAFKA_SETUP_FAILED', `Could not start the Kafka broker JVM: ${oneLineError(err)}; java 17+ must be on PATH.`, { cause: err });
  }
  const started: StartedServer = {
    name: 'kafka', pid, startedAt: new Date().toISOString(), endpoint: `${host}:${port}`,
    pidFile, commandIncludes: 'kafka.Kafka', startTime: processStartTime(pid),
  };
  recordStarted(ctx.stateDir, started);

  const since = Date.now();
  const ready = await pollUntil(async () => {
    if (!isProcessAlive(pid)) return 'exited' as const;
    return (await probeKafka([broker], 1_000)).reachable ? ('ready' as const) : undefined;
  }, START_TIMEOUT_MS, 1_000);
  if (ready === 'ready') {
    ctx.log(`Kafka broker ready after ${Math.round((Date.now() - since) / 1000)} s (pid ${pid})`);
    return started;
  }

  await stopProcess(pid, 10_000).catch(() => undefined);
  removePidFile(pidFile);
  forgetStarted(ctx.stateDir, 'kafka', pid);
  const what = ready === 'exited' ? 'the local broker exited during startup' : `the local broker did not answer within ${START_TIMEOUT_MS / 1000} s`;
  const logLine = lastErrorLine([paths.stdoutLog, paths.serverLog]);
  throw new TicketbenchError('INFRA_UNAVAILABLE', `Kafka at ${broker}: ${what}${logLine ? ` (${logLine})` : ''}; see ${paths.serverLog} and ${paths.stdoutLog}.`);
}

async function formatStorageOnce(ctx: InfraContext, paths: KafkaStatePaths, classpath: string): Promise<void> {
  if (fs.existsSync(path.join(paths.dataDir, 'meta.properties'))) return;
  // Without meta.properties the folder is ours and unformatted (an interrupted format): start clean.
  fs.rmSync(paths.dataDir, { recursive: true, force: true });
  const clusterId = generateClusterId();
  ctx.log(`formatting Kafka storage in ${paths.dataDir} (cluster id ${clusterId})`);
  try {
    await execFileAsync('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', paths.serverProperties], {
      cwd: paths.dir,
      timeout: 120_000,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    const detail = `${e.stderr ?? ''}\n${e.stdout ?? ''}`.split('\n').map((l) => l.trim()).find(Boolean);
    throw new TicketbenchError('KAFKA_SETUP_FAILED', `Formatting the Kafka storage in ${paths.dataDir} failed: ${(detail ?? oneLineError(err)).slice(0, 250)}; delete ${paths.dir} and retry.`, { cause: err });
  }
}

/** The last ERROR/FATAL/Exception line of the given log files (tails only), shortened; '' if none. */
function lastErrorLine(files: readonly string[]): string {
  for (const file of files) {
    let text: string;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        const length = Math.min(size, 64 * 1024);
        const buffer = Buffer.alloc(length);
        fs.readSync(fd, buffer, 0, length, size - length);
        text = buffer.toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      continue;
    }
    const line = text.split('\n').reverse().find((l) => /\b(ERROR|FATAL)\b|Exception|Error:/.test(l));
    if (line) return line.trim().slice(0, 200);
  }
  return '';
}
