/** Where a profiled service keeps its data on the run's MySQL server. */
import { databaseOf } from '../../contract/bundled-target.ts';
import type { TargetProfile } from './schema.ts';
import { renderText } from './template.ts';

/**
 * The service database's URL: the run's MySQL URL (`--mysql-url`) with the profile's
 * `stores.mysql.database` as its database, or unchanged when the profile names none.
 */
export function serviceMysqlUrl(mysqlUrl: string, profile: Pick<TargetProfile, 'stores'>): string {
  const database = profile.stores.mysql?.database;
  if (database === undefined) return mysqlUrl;
  const url = new URL(mysqlUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * How the checks tell this service's Kafka events apart: its consumer group (the profile's
 * `stores.kafka.consumerGroup`, `''` without one) and, when ticketbench started the service itself,
 * the `source` header value its events carry (undefined otherwise: several services may share the
 * topic, and only one ticketbench started is known to be this one).
 * @param database the service database's name (`{database}` in the templates)
 */
export function kafkaScopeOf(profile: Pick<TargetProfile, 'stores'>, database: string, startedByTicketbench: boolean): { consumerGroup: string; eventSource?: string } {
  const kafka = profile.stores.kafka;
  const consumerGroup = renderText(kafka?.consumerGroup ?? '', { database }) ?? '';
  const eventSource = startedByTicketbench && kafka?.source ? renderText(kafka.source.value, { database }) : undefined;
  return eventSource === undefined ? { consumerGroup } : { consumerGroup, eventSource };
}

/**
 * A schedule's waiting-queue keys in Redis, from the profile's `stores.redis.queue` templates:
 * `waiting` (users in line), `passes` (the `active` set of passes in force) and, when the profile
 * names them, `passPrefix` and `log`.
 */
export function queueKeysOf(
  spec: NonNullable<NonNullable<TargetProfile['stores']['redis']>['queue']>,
  scheduleId: number,
  database: string,
): { waiting: string; passes: string; passPrefix?: string; log?: string } {
  const key = (template: string) => renderText(template, { scheduleId, database })!;
  return {
    waiting: key(spec.waiting),
    passes: key(spec.active),
    ...(spec.passPrefix === undefined ? {} : { passPrefix: key(spec.passPrefix) }),
    ...(spec.log === undefined ? {} : { log: key(spec.log) }),
  };
}

/** The service database's name (`{database}` in a profile's templates). */
export function serviceDatabase(mysqlUrl: string, profile: Pick<TargetProfile, 'stores'>): string {
  return databaseOf(serviceMysqlUrl(mysqlUrl, profile));
}
