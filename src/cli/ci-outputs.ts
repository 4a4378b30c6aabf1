/** The `--summary-json` and `--junit` files of a `run` or `compare` that stopped on an error. */
import type { TicketbenchError } from '../errors.ts';
import { errorJUnit, writeJUnit } from '../report/junit.ts';
import { errorSummaryJson, writeSummaryJson } from '../report/summary-json.ts';
import type { CiOutputPaths } from './run-flags.ts';

/** Records a run that stopped on an error, so a CI job reading the files learns why. */
export async function writeErrorOutputs(outputs: CiOutputPaths, scenario: string, startedAt: string, err: TicketbenchError, command: 'run' | 'compare' = 'run'): Promise<void> {
  const error = { code: err.code, message: err.oneLine(), exitCode: err.exitCode };
  if (outputs.summaryJson) await writeSummaryJson(outputs.summaryJson, errorSummaryJson(command, scenario, startedAt, error));
  if (outputs.junit) await writeJUnit(outputs.junit, errorJUnit(command, scenario, startedAt, error));
}
