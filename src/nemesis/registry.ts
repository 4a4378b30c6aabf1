/** The faults the nemesis knows, by name. */
import { killConsumer } from './kill-consumer.ts';
import { killKafka } from './kill-kafka.ts';
import { killTarget } from './kill-target.ts';
import { mysqlKillConnections } from './mysql-kill-connections.ts';
import { networkDelay } from './network-delay.ts';
import { networkPartition } from './network-partition.ts';
import { pauseRedis } from './pause-redis.ts';
import { pauseTarget } from './pause-target.ts';
import { restartRedis } from './restart-redis.ts';
import type { Fault } from './types.ts';

/** Every fault, by its `--nemesis` name. */
export const FAULTS: ReadonlyMap<string, Fault> = new Map([killTarget, pauseTarget, restartRedis, pauseRedis, mysqlKillConnections, killKafka, killConsumer, networkDelay, networkPartition].map((fault) => [fault.name, fault]));
