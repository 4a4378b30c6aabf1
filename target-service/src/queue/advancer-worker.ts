/**
 * Body of the advancer's worker thread (see advancer-thread.ts): its own Redis connection and its
 * own event loop, so a busy HTTP thread cannot make an advancement late. workerData:
 * {redisUrl, namespace, fault}. Messages in: `{type: 'wake', scheduleId}`, `{type: 'stop'}`;
 * out: `{type: 'ready'}`, `{type: 'log', level, message}`, `{type: 'stopped'}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import { createRedis } from '../redis.ts';
import { startAdvancer } from './advancer.ts';
import { WaitingQueue, type QueueFault } from './waiting-queue.ts';

/** What the main thread gives the worker. */
export interface AdvancerWorkerData {
  readonly redisUrl: string;
  readonly namespace: string;
  readonly fault: QueueFault;
}

/** Messages the main thread sends. */
export type AdvancerWorkerRequest = { readonly type: 'wake'; readonly scheduleId: number } | { readonly type: 'stop' };

/** Messages the worker sends. */
export type AdvancerWorkerReply = { readonly type: 'ready' } | { readonly type: 'stopped' } | { readonly type: 'log'; readonly level: keyof Logger; readonly message: string };

const port = parentPort;
if (!port) throw new Error('advancer-worker.ts runs only as a worker thread');
const data = workerData as AdvancerWorkerData;
const post = (reply: AdvancerWorkerReply): void => port.postMessage(reply);
const log: Logger = {
  info: (message) => post({ type: 'log', level: 'info', message }),
  warn: (message) => post({ type: 'log', level: 'warn', message }),
  error: (message) => post({ type: 'log', level: 'error', message }),
};

const redis = createRedis(data.redisUrl, log);
await redis.connect();
const advancer = startAdvancer(new WaitingQueue(redis, data.namespace, data.fault), redis, log);
port.on('message', (request: AdvancerWorkerRequest) => {
  if (request.type === 'wake') advancer.wake(request.scheduleId);
  else {
    void advancer
      .stop()
      .then(() => redis.quit())
      .catch(() => redis.disconnect())
      .finally(() => {
        post({ type: 'stopped' });
        port.close();
      });
  }
});
post({ type: 'ready' });
