/**
 * Starts the service a profile describes, unless the run drives a running one (`targetUrl`): the
 * bundled target (with its strategies and cache) for `start: 'bundled'`, or the profile's own
 * command. One place, so `run`, `compare` and `profile check` start services the same way.
 */
import type { ConnectionSettings } from '../config/connections.ts';
import { TicketbenchError } from '../errors.ts';
import { serviceDatabase, serviceMysqlUrl } from '../profile/database.ts';
import { profileFolder, type LoadedProfile } from '../profile/load.ts';
import { startBundledTarget, type BundledTargetStrategies, type RunningTarget } from './launch.ts';
import { DEFAULT_QUEUE_SETTINGS, startProfiledTarget, type QueueSettings } from './launch-profile.ts';

/** What startTarget needs besides the profile. */
export interface StartTargetOptions {
  readonly connections: ConnectionSettings;
  /** Folder for the service's log. */
  readonly stateDir: string;
  /** A running service to drive instead; nothing is started. */
  readonly targetUrl?: string;
  /** The bundled target's settings (ignored for other profiles). */
  readonly bundled: BundledTargetStrategies;
  /** The hold and lock times a profiled service is started with (`{holdTtlMs}`, `{lockTtlMs}`), ms. */
  readonly holdTtlMs: number;
  readonly lockTtlMs: number;
  /** The waiting queue a profiled service is started with (`{queueCapacity}`, …); DEFAULT_QUEUE_SETTINGS when absent. */
  readonly queue?: QueueSettings;
  /** Which of several instances this is (1-based): its log is `target-<n>.log`; one instance when absent. */
  readonly instance?: number;
  /** Told what is being started, for the views. */
  readonly onStart?: (what: string) => void;
}

/** The service a run drives: where it listens, and the process when ticketbench started it. */
export interface DrivenTarget {
  readonly baseUrl: string;
  readonly running?: RunningTarget;
}

/**
 * Throws unless the run can reach a service: a `targetUrl`, or a profile that says how to start it
 * (checked before any server starts).
 * @throws TicketbenchError INVALID_OPTION
 */
export function assertStartable(loaded: LoadedProfile, targetUrl: string | undefined): void {
  if (targetUrl === undefined && loaded.profile.start === undefined) {
    throw new TicketbenchError('INVALID_OPTION', `Profile "${loaded.profile.name}" says no way to start its service (start): give --target-url of the running service.`);
  }
}

/**
 * Returns `targetUrl`, or starts the profile's service.
 * @throws TicketbenchError INVALID_OPTION when there is no URL and the profile says no way to start
 *   its service; TARGET_START_FAILED (exit 4) when it does not start.
 */
export async function startTarget(loaded: LoadedProfile, options: StartTargetOptions): Promise<DrivenTarget> {
  if (options.targetUrl !== undefined) return { baseUrl: options.targetUrl };
  const { profile } = loaded;
  if (profile.start === 'bundled') {
    const b = options.bundled;
    options.onStart?.(`the bundled target service (strategy ${b.strategy}, wallet strategy ${b.walletStrategy}, cache ${b.cache})`);
    const running = await startBundledTarget(options.connections, options.stateDir, { ...b, holdTtlMs: options.holdTtlMs, lockTtlMs: options.lockTtlMs }, undefined, options.instance);
    return { baseUrl: running.baseUrl, running };
  }
  assertStartable(loaded, undefined);
  if (profile.start === undefined) return { baseUrl: '' };
  options.onStart?.(`the ${profile.name} service (${profile.start.command.join(' ')})`);
  const cwd = profileFolder(loaded);
  const vars = {
    mysqlUrl: serviceMysqlUrl(options.connections.mysqlUrl, profile),
    database: serviceDatabase(options.connections.mysqlUrl, profile),
    holdTtlMs: options.holdTtlMs,
    lockTtlMs: options.lockTtlMs,
    queue: options.queue ?? DEFAULT_QUEUE_SETTINGS,
  };
  const running = await startProfiledTarget(options.instance === undefined ? profile.name : `${profile.name}-${options.instance}`, profile.start, cwd, options.connections, vars, options.stateDir);
  return { baseUrl: running.baseUrl, running };
}
