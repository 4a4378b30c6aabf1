/** `ticketbench infra up | status | down`. */
import Table from 'cli-table3';
import { connectionsFromFlags } from '../connection-flags.ts';
import { ExitCode, TicketbenchError } from '../../errors.ts';
import { infraDown, infraStatus, infraUp, type ServerStatus } from '../../infra/index.ts';
import type { CliIo } from '../io.ts';

/**
 * Runs an infra action and prints its outcome.
 * @returns 0, or 4 (INFRA_UNAVAILABLE) when `status` finds a server unreachable
 * @throws TicketbenchError INVALID_OPTION for an unknown action; INFRA_UNAVAILABLE from `up`
 */
export async function infraCommand(action: string, opts: Record<string, unknown>, io: CliIo): Promise<number> {
  const connections = connectionsFromFlags(opts);
  const json = Boolean(opts['json']);
  const options = {
    connections,
    ...(opts['stateDir'] ? { stateDir: String(opts['stateDir']) } : {}),
    log: (message: string) => {
      if (!json) io.stdout.write(`${message}\n`);
    },
  };
  switch (action) {
    case 'status': {
      const statuses = await infraStatus(options);
      io.stdout.write(json ? `${JSON.stringify(statuses, null, 2)}\n` : `${statusTable(statuses)}\n`);
      return statuses.every((s) => s.reachable) ? ExitCode.OK : ExitCode.INFRA_UNAVAILABLE;
    }
    case 'up': {
      const up = await infraUp(options);
      if (json) io.stdout.write(`${JSON.stringify(up, null, 2)}\n`);
      else {
        io.stdout.write(`${statusTable(up.statuses)}\n`);
        io.stdout.write(up.started.length > 0 ? `started: ${up.started.join(', ')} (stop with: ticketbench infra down)\n` : 'everything was already running\n');
        if (up.migrationsApplied.length > 0) io.stdout.write(`schema migrations applied: ${up.migrationsApplied.join(', ')}\n`);
      }
      return ExitCode.OK;
    }
    case 'down': {
      const down = await infraDown(options);
      io.stdout.write(json ? `${JSON.stringify(down, null, 2)}\n` : down.stopped.length > 0 ? `stopped: ${down.stopped.join(', ')}\n` : 'nothing to stop: ticketbench started no server that is still running\n');
      return ExitCode.OK;
    }
    default:
      throw new TicketbenchError('INVALID_OPTION', `Unknown infra action "${action}"; use up, status or down.`);
  }
}

function statusTable(statuses: readonly ServerStatus[]): string {
  const table = new Table({ head: ['server', 'address', 'reachable', 'version', 'started by ticketbench'], style: { head: [], border: [] } });
  for (const s of statuses) {
    table.push([s.name, s.address, s.reachable ? 'yes' : `no: ${s.error ?? 'unreachable'}`, s.version, s.managedPid ? `yes (pid ${s.managedPid})` : 'no']);
  }
  return table.toString();
}
