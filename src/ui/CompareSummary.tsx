import { Box, Text } from 'ink';
import { regressions } from '../report/compare-table.ts';
import type { ComparePaths, CompareResult } from '../model/compare.ts';
import { formatCompareFindings, formatComparePaths, formatCompareTable, formatCompareThresholds } from './compare-plain.ts';

/** Props of CompareSummary: the finished comparison and its files. */
export type CompareSummaryProps = {
  readonly result: CompareResult;
  readonly paths: ComparePaths;
};

/**
 * The end of a comparison: the table, what the checks showed (last line coloured), the
 * thresholds of every run when there were any (red when one failed) and the files.
 */
export function CompareSummary({ result, paths }: CompareSummaryProps) {
  const findings = formatCompareFindings(result.table).split('\n');
  const outcome = findings.pop() ?? '';
  const thresholds = formatCompareThresholds(result.runs);
  const thresholdFailed = result.runs.some((r) => r.report.thresholds.some((t) => !t.passed));
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>{formatCompareTable(result.table)}</Text>
      {findings.map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
      <Text color={regressions(result.table).length > 0 ? 'red' : 'green'} bold>
        {outcome}
      </Text>
      {thresholds ? <Text color={thresholdFailed ? 'red' : 'green'}>{thresholds}</Text> : null}
      <Text dimColor>{formatComparePaths(paths)}</Text>
    </Box>
  );
}
