/**
 * Renders a RunReport as the JSON file written next to the markdown report: the machine-readable
 * record other tools (and a later `ticketbench compare`) read back.
 */
import type { RunReport } from '../model/run-report.ts';

/**
 * Pretty JSON (2-space indent, trailing newline). Keys keep the order they have in the report
 * object, so two reports of the same scenario diff line by line.
 */
export function renderJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
