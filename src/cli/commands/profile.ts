/** `ticketbench profile check FILE`: validate a target profile and probe the service it describes. */
import Table from 'cli-table3';
import { ExitCode, TicketbenchError } from '../../errors.ts';
import { parseDuration } from '../../options/values.ts';
import { loadProfile } from '../../profile/load.ts';
import { checkProfile, type ProbeRow } from '../../run/profile-check.ts';
import { connectionsFromFlags } from '../connection-flags.ts';
import type { CliIo } from '../io.ts';
import { validateTargetUrl } from '../target-flags.ts';

/** Longest detail shown in the table, characters (`--json` has them whole). */
const DETAIL_CHARS = 160;

/**
 * Runs `profile check`: exit 0 when every declared part works, 1 when one does not, 2 for an
 * invalid profile, 4 when the servers or the service cannot be reached.
 * @throws TicketbenchError INVALID_OPTION for an unknown action or bad flag, INVALID_PROFILE,
 *   INFRA_UNAVAILABLE / TARGET_START_FAILED
 */
export async function profileCommand(action: string, file: string, opts: Record<string, unknown>, io: CliIo): Promise<number> {
  if (action !== 'check') throw new TicketbenchError('INVALID_OPTION', `Unknown profile action "${action}"; use check.`);
  const connections = connectionsFromFlags(opts);
  const targetUrl = opts['targetUrl'] === undefined ? undefined : validateTargetUrl(String(opts['targetUrl']));
  const settleTimeoutMs = parseDuration(String(opts['settleTimeout'] ?? '10s'), '--settle-timeout');
  const loaded = await loadProfile(file);
  if (!opts['json']) io.stdout.write(`profile ${loaded.profile.name} (${file}) is valid; probing the service...\n`);
  const rows = await checkProfile(loaded, {
    connections,
    ...(targetUrl === undefined ? {} : { targetUrl }),
    infra: opts['infra'] !== false,
    settleTimeoutMs,
    ...(opts['stateDir'] ? { stateDir: String(opts['stateDir']) } : {}),
  });
  const failed = rows.filter((r) => r.result === 'fail').length;
  if (opts['json']) io.stdout.write(`${JSON.stringify({ profile: loaded.profile.name, file, rows, failed }, null, 2)}\n`);
  else io.stdout.write(`${probeTable(rows)}\n${failed === 0 ? 'every declared part works' : `${failed} part(s) do not work: see above`}\n`);
  return failed === 0 ? ExitCode.OK : ExitCode.CHECKS_FAILED;
}

function probeTable(rows: readonly ProbeRow[]): string {
  const table = new Table({ head: ['part', 'result', 'what it got'], style: { head: [], border: [] }, wordWrap: true, colWidths: [24, 9, 100] });
  for (const r of rows) table.push([r.item, r.result === 'fail' ? 'FAIL' : r.result, r.detail.length > DETAIL_CHARS ? `${r.detail.slice(0, DETAIL_CHARS)}…` : r.detail]);
  return table.toString();
}
