/**
 * Counts the statements this service sends to MySQL (`db_statements_total{command}`), at the
 * driver: every `query` and `execute` command a pool connection runs. MySQL's own `Questions` and
 * `Com_select` are server-wide, so any other client of the server (another run, another test
 * suite) inflates them; this counter is the target's share alone, which `compare` can put beside
 * them. Like MySQL's counters it includes the background loops (outbox relay polls, expiry sweep);
 * it leaves out the `SET time_zone` each new connection sends before it is wrapped.
 *
 * It wraps mysql2's `Connection.addCommand` (internal API, mysql2 3.x) of each connection the pool
 * opens; should a mysql2 upgrade drop it, the counter stays at 0 and
 * test/target-service/read-path.test.ts fails first.
 */
import { Counter, type Registry } from 'prom-client';
import type { Pool } from './db.ts';

/** mysql2 command classes that are statements MySQL counts in `Questions`. */
const STATEMENT_COMMANDS: Readonly<Record<string, string>> = { Query: 'query', Execute: 'execute' };

/**
 * Starts counting the statements of connections `pool` opens from now on (call it before the pool
 * opens any), into a counter registered on `registry`.
 */
export function countDbStatements(pool: Pool, registry: Registry): void {
  const statements = new Counter({
    name: 'db_statements_total',
    help: 'Statements this service sent to MySQL, by mysql2 command (query = text protocol, execute = prepared statement).',
    labelNames: ['command'],
    registers: [registry],
  });
  for (const command of Object.values(STATEMENT_COMMANDS)) statements.inc({ command }, 0);
  const core = (pool as unknown as { pool: { on(event: 'connection', listener: (conn: unknown) => void): void } }).pool;
  core.on('connection', (promiseConn: unknown) => {
    // The pool emits its callback-API connection; the wrapper of the promise API keeps it as `.connection`.
    const conn = ((promiseConn as { connection?: unknown }).connection ?? promiseConn) as { addCommand?: (cmd: object) => unknown };
    const original = conn.addCommand;
    if (typeof original !== 'function') return;
    conn.addCommand = function (this: unknown, cmd: object) {
      const command = STATEMENT_COMMANDS[cmd.constructor.name];
      if (command) statements.inc({ command });
      return original.call(this, cmd);
    };
  });
}
