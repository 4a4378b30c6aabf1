/**
 * Several target instances behind one run, as two servers behind a load balancer: each VU starts
 * on instance (id − 1) mod N and keeps it until a request of its gets no answer from it at all
 * (refused, reset, closed: the instance is down), then moves on to the next one. What each
 * instance answered is counted apart, with when it stopped answering and when it came back.
 */
import type { HttpResponse, IntendedStart, TargetHttpClient } from './http-client.ts';
import { RequestError } from './http-client.ts';
import type { InstanceFigures } from '../model/run-report.ts';
import type { RunMetrics } from './metrics.ts';

export type { InstanceFigures } from '../model/run-report.ts';

/** Error codes that mean the instance is not there (a timeout may be a slow instance: the VU stays). */
const GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'socket-closed', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH']);

/** Counts one instance's answers and silences. */
export class InstanceTally {
  private answered = 0;
  private unanswered = 0;
  private firstErrorMs: number | undefined;
  private lastErrorMs: number | undefined;
  private backAtMs: number | undefined;

  /** @param startMs performance.now() at the start of the load */
  constructor(
    readonly url: string,
    private readonly startMs: () => number,
  ) {}

  /** A request it answered, completed at `atMs` (performance.now()). */
  answer(atMs: number): void {
    this.answered += 1;
    if (this.lastErrorMs !== undefined && this.backAtMs === undefined) this.backAtMs = atMs - this.startMs();
  }

  /** A request it did not answer, completed at `atMs` (performance.now()). */
  miss(atMs: number): void {
    this.unanswered += 1;
    const at = atMs - this.startMs();
    this.firstErrorMs ??= at;
    this.lastErrorMs = at;
    this.backAtMs = undefined;
  }

  /** The figures so far (ms rounded to 0.1). */
  figures(): InstanceFigures {
    const r = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10);
    return {
      url: this.url,
      answered: this.answered,
      unanswered: this.unanswered,
      ...(this.firstErrorMs === undefined ? {} : { firstErrorMs: r(this.firstErrorMs)!, lastErrorMs: r(this.lastErrorMs)! }),
      ...(this.backAtMs === undefined ? {} : { backAtMs: r(this.backAtMs)! }),
    };
  }
}

/**
 * A view of the run's metrics that also counts into one instance's tally: every instance's client
 * records into the same RunMetrics, so the run's figures stay whole.
 */
export function meteredFor(metrics: RunMetrics, tally: InstanceTally): RunMetrics {
  const view = Object.create(metrics) as RunMetrics;
  view.recordStatus = (name, status, latencyUs, completedAtMs) => {
    tally.answer(completedAtMs);
    metrics.recordStatus(name, status, latencyUs, completedAtMs);
  };
  view.recordError = (name, errorCode, latencyUs, completedAtMs) => {
    tally.miss(completedAtMs);
    metrics.recordError(name, errorCode, latencyUs, completedAtMs);
  };
  return view;
}

/**
 * One VU's client over all instances: sends to its current instance, and after a request that
 * instance did not answer at all, moves to the next one for the requests that follow (that request
 * is not resent: its operation is `info`, it may have happened).
 * @param clients one client per instance
 * @param start the instance the VU starts on
 * @param intended the VU's intended start (open models), shared by its views of every client
 */
export function routedClient(clients: readonly TargetHttpClient[], start: number, intended?: IntendedStart): TargetHttpClient {
  const views = clients.map((client) => (intended ? client.withIntendedStart(intended) : client));
  if (views.length === 1) return views[0]!;
  let index = start % views.length;
  const routed = Object.create(views[index]!) as TargetHttpClient;
  routed.request = async (...args: Parameters<TargetHttpClient['request']>): Promise<HttpResponse> => {
    const used = index;
    try {
      return await views[used]!.request(...args);
    } catch (err) {
      if (err instanceof RequestError && GONE.has(err.errorCode) && index === used) index = (used + 1) % views.length;
      throw err;
    }
  };
  return routed;
}
