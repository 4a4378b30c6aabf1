/**
 * What request handlers get to work with.
 */
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Pool } from './db.ts';
import type { Logger } from './log.ts';

/** The shared clients and settings handed to every route module. */
export interface Context {
  readonly config: Config;
  readonly pool: Pool;
  readonly redis: Redis;
  readonly log: Logger;
}
