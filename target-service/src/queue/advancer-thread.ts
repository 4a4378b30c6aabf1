/**
 * Runs the queue advancer (advancer.ts) on a worker thread of its own, so that advancements keep
 * their schedule while the HTTP thread is saturated: measured on a 2-core machine at 10,000
 * queued users, the in-process timer fired up to 330 ms late and expired passes outlived TTL + one
 * interval. Where a worker cannot load TypeScript (e.g. inside the vitest runner), it falls back to
 * the in-process advancer and says so in the log.
 */
import { Worker } from 'node:worker_threads';
import { describe, type Logger } from '../log.ts';
import type { Redis } from '../redis.ts';
import { startAdvancer, type Advancer } from './advancer.ts';
import type { AdvancerWorkerData, AdvancerWorkerReply, AdvancerWorkerRequest } from './advancer-worker.ts';
import type { WaitingQueue } from './waiting-queue.ts';

// How long the worker gets to load and connect before the in-process advancer takes over.
const WORKER_START_MS = 10_000;
// How long stop() waits for the worker to finish its advancement and close Redis.
const WORKER_STOP_MS = 3_000;

/**
 * Starts the advancer on a worker thread (its own Redis connection to `redisUrl`), or in-process
 * on `redis` when the worker cannot start.
 */
export async function startAdvancerThread(queue: WaitingQueue, redis: Redis, redisUrl: string, log: Logger): Promise<Advancer & { readonly threaded: boolean }> {
  const data: AdvancerWorkerData = { redisUrl, namespace: queue.namespace, fault: queue.fault };
  let worker: Worker;
  try {
    // No inherited execArgv: the boot file registers tsx itself, and flags such as --input-type do not apply to it.
    worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { execArgv: [], workerData: { ...data, entry: new URL('./advancer-worker.ts', import.meta.url).href } });
  } catch (err) {
    return inProcess(queue, redis, log, err);
  }
  const ready = await new Promise<true | unknown>((resolve) => {
    const timer = setTimeout(() => resolve(new Error(`no answer within ${WORKER_START_MS} ms`)), WORKER_START_MS);
    worker.on('message', (reply: AdvancerWorkerReply) => {
      if (reply.type === 'ready') {
        clearTimeout(timer);
        resolve(true);
      } else if (reply.type === 'log') log[reply.level](reply.message);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
  if (ready !== true) {
    await worker.terminate();
    return inProcess(queue, redis, log, ready);
  }
  worker.on('error', (err) => log.error(`queue advancer thread failed: ${describe(err)}`));
  const send = (request: AdvancerWorkerRequest): void => worker.postMessage(request);
  return {
    threaded: true,
    wake: (scheduleId) => send({ type: 'wake', scheduleId }),
    async stop() {
      const stopped = new Promise<void>((resolve) => {
        worker.on('message', (reply: AdvancerWorkerReply) => reply.type === 'stopped' && resolve());
        worker.once('exit', () => resolve());
      });
      send({ type: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), WORKER_STOP_MS);
      await stopped;
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}

function inProcess(queue: WaitingQueue, redis: Redis, log: Logger, why: unknown): Advancer & { readonly threaded: boolean } {
  log.info(`queue advancer runs on the HTTP thread (no worker thread: ${describe(why)})`);
  return { ...startAdvancer(queue, redis, log), threaded: false };
}
