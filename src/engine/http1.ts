export { Http1Error, Http1Pool, type Http1Answer, type Http1Exchange, type Http1PoolOptions } from './http1/pool.ts';
