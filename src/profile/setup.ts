/**
 * Fresh run data through a profile's setup: one request to the service's API, or SQL statements
 * against its own database. Every run gets a new schedule (and so new seats) and new users, so
 * runs never collide.
 */
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { redactUrl } from '../config/connections.ts';
import { TicketbenchError } from '../errors.ts';
import type { HttpResponse, TargetHttpClient } from '../engine/http-client.ts';
import { describeError } from '../util/describe-error.ts';
import { answerMatches, evidence, readCapture } from './answer.ts';
import type { Capture, SetupSpec, TargetProfile } from './schema.ts';
import { buildRequest, type Id } from './target-ops.ts';
import { renderSql, renderText, type TemplateValue } from './template.ts';

const execFileAsync = promisify(execFile);

/** What a setup created. */
export interface Fixture {
  /** The concert, when the service has that level (the bundled target does). */
  readonly concertId?: number | undefined;
  readonly scheduleId: number;
  readonly seatNos: readonly string[];
  readonly userIds: readonly Id[];
  /** Seat price, points, when known. */
  readonly price?: number | undefined;
  /** Points each user's wallet started with, when known. */
  readonly points?: number | undefined;
}

/** What to create. */
export interface FixtureRequest {
  readonly seats: number;
  readonly users: number;
  /** Shown in the schedule's name, with the time. */
  readonly name: string;
  /** Seat price, points; the service's (or profile's) default when absent. */
  readonly price?: number;
  /** Points every user's wallet starts with; the service's (or profile's) default when absent. */
  readonly points?: number;
  /**
   * A waiting queue for the schedule: passes active at once, pass lifetime and advance interval
   * (ms). Templates see `{queueCapacity}`, `{queuePassTtlMs}`, `{queueAdvanceMs}` (absent without a
   * queue; NULL in SQL) and, in SQL, `{queue}` = 1 or 0.
   */
  readonly queue?: { readonly capacity: number; readonly passTtlMs: number; readonly advanceMs: number };
}

/** The template variables of a fixture request. */
function requestVars(request: FixtureRequest, sql: boolean): Record<string, TemplateValue> {
  const none = sql ? null : undefined;
  return {
    seats: request.seats,
    users: request.users,
    name: request.name,
    queueCapacity: request.queue?.capacity ?? none,
    queuePassTtlMs: request.queue?.passTtlMs ?? none,
    queueAdvanceMs: request.queue?.advanceMs ?? none,
    ...(sql ? { queue: request.queue ? 1 : 0 } : {}),
  };
}

/** Where a setup may reach the service. */
export interface SetupTarget {
  readonly http: TargetHttpClient;
  /** The service database's URL (SQL setup). */
  readonly mysqlUrl: string;
  /** The folder a command setup runs in (the profile's); the working directory when absent. */
  readonly cwd?: string;
}

/**
 * Creates a schedule with `seats` seats and `users` users, as the profile's setup says.
 * @throws TicketbenchError SETUP_FAILED when the service or its database cannot be reached, an
 *   SQL statement fails or a setup command fails, TARGET_BAD_RESPONSE when an HTTP or command
 *   setup's answer cannot be read.
 */
export async function createFixture(profile: TargetProfile, target: SetupTarget, request: FixtureRequest): Promise<Fixture> {
  const named = { ...request, name: `${request.name} ${new Date().toISOString()}` };
  switch (profile.setup.kind) {
    case 'http':
      return httpSetup(profile.setup, profile.name, target.http, named);
    case 'sql':
      return sqlSetup(profile.setup, target.mysqlUrl, named);
    case 'command':
      return commandSetup(profile.setup, target, named);
  }
}

/** The fixture an answer's captures give, or undefined when it does not have the asked-for seats and users. */
function fixtureFrom(capture: Readonly<Record<string, Capture>>, answer: Pick<HttpResponse, 'json' | 'headers'>, request: FixtureRequest): Fixture | undefined {
  const read = (key: string): unknown => (capture[key] === undefined ? undefined : readCapture(capture[key], answer));
  const scheduleId = read('scheduleId');
  const seatNos = read('seatNos');
  const userIds = read('userIds');
  if (!Number.isInteger(scheduleId) || !Array.isArray(seatNos) || seatNos.length !== request.seats) return undefined;
  if (!Array.isArray(userIds) || userIds.length !== request.users || !userIds.every((id) => typeof id === 'string' || Number.isInteger(id))) return undefined;
  return {
    concertId: optionalInteger(read('concertId')),
    scheduleId: scheduleId as number,
    seatNos: seatNos.map(String),
    userIds: userIds as Id[],
    price: optionalInteger(read('price')),
    points: optionalInteger(read('points')),
  };
}

/** Longest stdout a setup command may print, bytes. */
const MAX_COMMAND_OUTPUT = 64 * 1024 * 1024;

async function commandSetup(spec: Extract<SetupSpec, { kind: 'command' }>, target: SetupTarget, request: FixtureRequest): Promise<Fixture> {
  const env: Record<string, string> = { TICKETBENCH_TARGET_URL: target.http.baseUrl, TICKETBENCH_MYSQL_URL: target.mysqlUrl, TICKETBENCH_SEATS: String(request.seats), TICKETBENCH_USERS: String(request.users), TICKETBENCH_NAME: request.name };
  if (request.price !== undefined) env['TICKETBENCH_PRICE'] = String(request.price);
  if (request.points !== undefined) env['TICKETBENCH_POINTS'] = String(request.points);
  if (request.queue) {
    env['TICKETBENCH_QUEUE_CAPACITY'] = String(request.queue.capacity);
    env['TICKETBENCH_QUEUE_PASS_TTL_MS'] = String(request.queue.passTtlMs);
    env['TICKETBENCH_QUEUE_ADVANCE_MS'] = String(request.queue.advanceMs);
  }
  const shown = spec.command.join(' ');
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(spec.command[0]!, spec.command.slice(1), { cwd: target.cwd ?? process.cwd(), env: { ...process.env, ...env }, timeout: spec.timeoutMs, maxBuffer: MAX_COMMAND_OUTPUT }));
  } catch (err) {
    const e = err as { stderr?: string; code?: unknown; killed?: boolean };
    const last = String(e.stderr ?? '').trim().split('\n').at(-1);
    const why = e.killed ? `no answer within ${spec.timeoutMs} ms` : typeof e.code === 'number' ? `exit ${e.code}` : describeError(err);
    throw new TicketbenchError('SETUP_FAILED', `The setup command \`${shown}\` failed (${why})${last ? `: ${last}` : ''}.`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  const fixture = json === undefined ? undefined : fixtureFrom(spec.capture, { json, headers: {} }, request);
  if (!fixture) {
    throw new TicketbenchError('TARGET_BAD_RESPONSE', `The setup command \`${shown}\` printed what setup.capture (scheduleId, seatNos, userIds) cannot read as ${request.seats} seats and ${request.users} users: ${stdout.slice(0, 80).replace(/\s+/g, ' ')}`);
  }
  return fixture;
}

async function httpSetup(spec: Extract<SetupSpec, { kind: 'http' }>, profileName: string, http: TargetHttpClient, request: FixtureRequest): Promise<Fixture> {
  const built = buildRequest(spec, { ...requestVars(request, false), price: request.price, points: request.points });
  let res;
  try {
    res = await http.request('setup', built.method, built.path, built.body, built.headers);
  } catch (err) {
    throw new TicketbenchError('SETUP_FAILED', `Could not create test data at ${http.baseUrl}: ${describeError(err)}.`, { cause: err });
  }
  const fixture = answerMatches(spec.ok, res) ? fixtureFrom(spec.capture, res, request) : undefined;
  if (!fixture) {
    const question = profileName === 'bundled' ? 'is it a ticketbench target service?' : `is it the service profile "${profileName}" describes? \`ticketbench profile check\` shows what setup.capture (scheduleId, seatNos, userIds) reads.`;
    throw new TicketbenchError('TARGET_BAD_RESPONSE', `The target at ${http.baseUrl} answered ${built.method} ${built.path} with HTTP ${res.status} and a body ticketbench cannot use (${evidence(res).slice(0, 80)}); ${question}`);
  }
  return fixture;
}

async function sqlSetup(spec: Extract<SetupSpec, { kind: 'sql' }>, mysqlUrl: string, request: FixtureRequest): Promise<Fixture> {
  const price = request.price ?? spec.defaults.price;
  const points = request.points ?? spec.defaults.points;
  const list = (s: string | readonly string[]): readonly string[] => (typeof s === 'string' ? [s] : s);
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ uri: mysqlUrl, supportBigNumbers: true, bigNumberStrings: false });
    await conn.beginTransaction();
    const base: Record<string, TemplateValue> = { ...requestVars(request, true), price, points };
    let scheduleId: number | undefined;
    for (const template of list(spec.schedule)) {
      const insertId = await execute(conn, template, { ...base, scheduleId });
      scheduleId ??= insertId;
    }
    if (scheduleId === undefined) throw new Error('setup.schedule gave no insert id (is its first statement an INSERT into a table with an AUTO_INCREMENT key?)');
    const seatNos: string[] = [];
    for (let i = 1; i <= request.seats; i++) {
      const seatNo = renderText(spec.seat.seatNo, { i })!;
      seatNos.push(seatNo);
      for (const template of list(spec.seat.sql)) await execute(conn, template, { ...base, scheduleId, seatNo, i });
    }
    const userIds: Id[] = [];
    for (let i = 1; i <= request.users; i++) {
      let userId: Id | undefined = spec.user.userId === 'uuid' ? randomUUID() : undefined;
      for (const template of list(spec.user.sql)) {
        const insertId = await execute(conn, template, { ...base, scheduleId, userId, i });
        userId ??= insertId;
      }
      if (userId === undefined) throw new Error('setup.user gave no insert id for userId');
      userIds.push(userId);
    }
    await conn.commit();
    return { scheduleId, seatNos, userIds, price, points };
  } catch (err) {
    await conn?.rollback().catch(() => undefined);
    throw new TicketbenchError('SETUP_FAILED', `The profile's SQL setup failed on ${redactUrl(mysqlUrl)}: ${describeError(err)}.`, { cause: err });
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

/** Runs one templated statement; returns its insert id when it made one. */
async function execute(conn: mysql.Connection, template: string, vars: Record<string, TemplateValue>): Promise<number | undefined> {
  const { sql, params } = renderSql(template, vars);
  const [result] = await conn.query(sql, params);
  const insertId = (result as { insertId?: number }).insertId;
  return typeof insertId === 'number' && insertId > 0 ? insertId : undefined;
}

function optionalInteger(value: unknown): number | undefined {
  return Number.isInteger(value) ? (value as number) : undefined;
}

