import { Box, Text } from 'ink';
import type { RunReport } from '../run/types.ts';
import { formatCheckTally, formatCount, formatDuration, formatMsUnit, formatTps, formatVerdict } from '../report/format.ts';
import { VERDICT_COLOR } from './theme.ts';

/** Props of FinalSummary: the finished report and the files writeReport wrote. */
export type FinalSummaryProps = {
  readonly report: RunReport;
  readonly paths: { readonly json: string; readonly markdown: string };
};

/** The end of a run: verdict with the check tally, TPS and p95, and where the report files are. */
export function FinalSummary({ report, paths }: FinalSummaryProps) {
  const l = report.load;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text color={VERDICT_COLOR[report.verdict]} bold>
          {formatVerdict(report.verdict)}
        </Text>
        {`  ${formatCheckTally(report.checks.map((c) => c.verdict))}`}
      </Text>
      <Text>
        <Text bold>{`TPS ${formatTps(l.tps)}`}</Text>
        {' · '}
        <Text bold>{`p95 ${formatMsUnit(l.latency.p95Ms)}`}</Text>
        {` · ${formatCount(l.requests)} requests in ${formatDuration(l.durationMs)}`}
      </Text>
      <Text>{`report  ${paths.markdown}`}</Text>
      <Text dimColor>{`json    ${paths.json}`}</Text>
    </Box>
  );
}
