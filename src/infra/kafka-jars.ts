/**
 * The jars of the local Kafka broker, fetched once from Maven Central with `mvn` (through
 * infra/kafka/pom.xml) into the cache folder, and the Java runtime that runs them.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { TicketbenchError } from '../errors.ts';
import { oneLineError } from './error-text.ts';
import { KAFKA_POM, resolveCacheDir } from './paths.ts';

const execFileAsync = promisify(execFile);

/** Version of the Kafka broker `infra up` runs (must match infra/kafka/pom.xml). */
export const KAFKA_VERSION = '3.9.1';

/** Oldest Java feature release the broker is run with. */
export const MIN_JAVA_VERSION = 17;

const MVN_TIMEOUT_MS = 15 * 60_000;

/** Options of `ensureKafkaJars`: the same fields as InfraOptions. */
export interface KafkaJarsOptions {
  /** Default `<repo root>/.ticketbench/cache` or $TICKETBENCH_CACHE_DIR. */
  readonly cacheDir?: string;
  readonly log?: (message: string) => void;
}

/** `<cacheDir>/kafka-3.9.1/libs`, the broker's classpath folder. */
export function kafkaLibsDir(cacheDir: string): string {
  return path.join(cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');
}

/** True when `libsDir` holds the broker jar and the slf4j-reload4j logging binding. */
export function hasKafkaJars(libsDir: string): boolean {
  let names: string[];
  try {
    names = fs.readdirSync(libsDir);
  } catch {
    return false;
  }
  return names.includes(`kafka_2.13-${KAFKA_VERSION}.jar`) && names.some((n) => n.startsWith('slf4j-reload4j') && n.endsWith('.jar'));
}

/**
 * Makes sure Java 17+ is installed and the Kafka jars are in the cache, fetching them with
 * `mvn dependency:copy-dependencies` on first use (into a temporary folder renamed into place,
 * so an interrupted fetch never leaves a half-filled libs folder).
 * @returns the absolute libs folder (use `<libs>/*` as the classpath).
 * @throws TicketbenchError KAFKA_SETUP_FAILED when Java is missing or too old, or mvn is
 *   missing or fails.
 */
export async function ensureKafkaJars(opts: KafkaJarsOptions = {}): Promise<string> {
  await checkJava();
  const libsDir = kafkaLibsDir(resolveCacheDir(opts.cacheDir));
  if (hasKafkaJars(libsDir)) return libsDir;

  const parent = path.dirname(libsDir);
  fs.mkdirSync(parent, { recursive: true });
  const tmpDir = path.join(parent, `libs.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  opts.log?.(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central (first run only)`);
  try {
    await runMaven(tmpDir);
    if (!hasKafkaJars(tmpDir)) {
      throw new TicketbenchError('KAFKA_SETUP_FAILED', `mvn finished but ${tmpDir} lacks kafka_2.13-${KAFKA_VERSION}.jar or slf4j-reload4j; check ${KAFKA_POM}.`);
    }
    // A concurrent fetch may have finished meanwhile; its folder is as good as ours.
    if (hasKafkaJars(libsDir)) return libsDir;
    // Only a manual copy or an older layout leaves an incomplete folder here: renames are atomic.
    fs.rmSync(libsDir, { recursive: true, force: true });
    try {
      fs.renameSync(tmpDir, libsDir);
    } catch (err) {
      // A concurrent fetch may have won the rename; its folder is as good as ours.
      if (!hasKafkaJars(libsDir)) throw err;
    }
  } catch (err) {
    if (err instanceof TicketbenchError) throw err;
    throw new TicketbenchError('KAFKA_SETUP_FAILED', `Could not put the Kafka jars into ${libsDir}: ${oneLineError(err)}.`, { cause: err });
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  return libsDir;
}

/**
 * Checks `java -version`.
 * @returns the Java feature version, e.g. 17.
 * @throws TicketbenchError KAFKA_SETUP_FAILED when java is missing or older than 17.
 */
export async function checkJava(): Promise<number> {
  const hint = 'install a JDK/JRE 17+ (e.g. apt-get install openjdk-17-jre-headless) or pass --kafka-brokers pointing at a running broker.';
  let output: string;
  try {
    const { stdout, stderr } = await execFileAsync('java', ['-version'], { timeout: 30_000 });
    output = `${stderr}\n${stdout}`;
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'java is not on PATH' : oneLineError(err);
    throw new TicketbenchError('KAFKA_SETUP_FAILED', `java ${MIN_JAVA_VERSION}+ is required to run the local Kafka broker (${reason}); ${hint}`, { cause: err });
  }
  const version = parseJavaVersion(output);
  if (version === undefined || version < MIN_JAVA_VERSION) {
    const found = version === undefined ? 'could not read its version' : `found Java ${version}`;
    throw new TicketbenchError('KAFKA_SETUP_FAILED', `java ${MIN_JAVA_VERSION}+ is required to run the local Kafka broker (${found}); ${hint}`);
  }
  return version;
}

/** The feature version in `java -version` output: 'version "17.0.15"' → 17, '"1.8.0_392"' → 8. */
export function parseJavaVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

async function runMaven(outputDir: string): Promise<void> {
  const args = ['-q', '-B', '-f', KAFKA_POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${outputDir}`];
  try {
    await execFileAsync('mvn', args, { timeout: MVN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string; killed?: boolean };
    if (e.code === 'ENOENT') {
      throw new TicketbenchError('KAFKA_SETUP_FAILED', `The Kafka ${KAFKA_VERSION} jars are not cached and mvn (Apache Maven) is not on PATH; install Maven (e.g. apt-get install maven) or pass --kafka-brokers pointing at a running broker.`, { cause: err });
    }
    // With -q, Maven prints only its [ERROR] lines, on stdout.
    const errorLine = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.split('\n').map((l) => l.trim()).find((l) => l.startsWith('[ERROR]') && l.length > 8);
    const reason = e.killed ? `timed out after ${MVN_TIMEOUT_MS / 60_000} min` : (errorLine?.slice(0, 250) ?? oneLineError(err));
    throw new TicketbenchError('KAFKA_SETUP_FAILED', `Fetching the Kafka ${KAFKA_VERSION} jars with mvn failed (${reason}); check network access to Maven Central (or ~/.m2/settings.xml) and retry.`, { cause: err });
  }
}
