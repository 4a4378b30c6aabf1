/** Where a profiled service keeps its data on the run's MySQL server. */
import { databaseOf } from '../../contract/bundled-target.ts';
import type { TargetProfile } from './schema.ts';

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

/** The service database's name (`{database}` in a profile's templates). */
export function serviceDatabase(mysqlUrl: string, profile: Pick<TargetProfile, 'stores'>): string {
  return databaseOf(serviceMysqlUrl(mysqlUrl, profile));
}
