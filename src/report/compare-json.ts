/**
 * Renders a comparison as the JSON file written next to its markdown report: every RunReport of
 * every run plus the aggregated table, for other tools to read back.
 */
import type { CompareResult } from '../model/compare.ts';

/** Pretty JSON (2-space indent, trailing newline), keys in the order of the result object. */
export function renderCompareJson(result: CompareResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
