/** `mysql-kill-connections`: `KILL` every connection of the service's database (mid-transaction ones too). */
import mysql from 'mysql2/promise';
import type { Fault } from './types.ts';

export const mysqlKillConnections: Fault = {
  name: 'mysql-kill-connections',
  description: "KILL the service's MySQL connections (its database's), mid-transaction; its pool must reconnect",
  unavailable: () => undefined,
  async start(context) {
    const conn = await mysql.createConnection({ uri: context.connections.mysqlUrl });
    let killed = 0;
    try {
      const [rows] = await conn.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [context.database]);
      for (const row of rows as { id: number }[]) {
        // A connection that ended meanwhile is not an error.
        await conn.query(`KILL ${Number(row.id)}`).then(
          () => (killed += 1),
          () => undefined,
        );
      }
    } finally {
      await conn.end();
    }
    return {
      target: `mysql database ${context.database}`,
      detail: `KILL ${killed} connection(s)`,
      heal: async () => 'nothing to heal: the service reconnects',
    };
  },
};
