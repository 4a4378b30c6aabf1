/**
 * Public API of the infra module: bring up, inspect and stop the MySQL, Redis and Kafka servers
 * ticketbench needs, and apply the target service's migrations.
 */
export type { InfraOptions, ServerStatus, ServerName } from './types.ts';
export { infraStatus, infraUp, infraDown } from './local-services.ts';
export { applyMigrations } from './migrations.ts';
export { ensureKafkaJars, KAFKA_VERSION, type KafkaJarsOptions } from './kafka-jars.ts';
export { RESERVATION_CONFIRMED_TOPIC } from './kafka-admin.ts';
