import { Box, Text } from 'ink';
import { outcomeWord } from '../model/exit-code.ts';
import type { RunReport } from '../model/run-report.ts';
import { formatCount, formatDuration, formatMsUnit, formatRunTally, formatThresholdLimit, formatThresholdValue, formatTps } from '../report/format.ts';
import { VERDICT_COLOR, VERDICT_SYMBOL } from './theme.ts';

/** Props of FinalSummary: the finished report and the files writeReport wrote. */
export type FinalSummaryProps = {
  readonly report: RunReport;
  readonly paths: { readonly json: string; readonly markdown: string };
};

/**
 * The end of a run: the outcome with the check tally (and the threshold tally when there were
 * thresholds), why the load stopped early if it did, one line per threshold, TPS and p95, and
 * where the report files are.
 */
export function FinalSummary({ report, paths }: FinalSummaryProps) {
  const l = report.load;
  const word = outcomeWord(report);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text color={VERDICT_COLOR[word === 'PASS' ? 'pass' : word === 'UNKNOWN' ? 'unknown' : 'fail']} bold>
          {word}
        </Text>
        {`  ${formatRunTally(report)}`}
      </Text>
      {report.aborted ? <Text color="red">{`stopped early: ${report.aborted.reason}`}</Text> : null}
      {report.thresholds.map((t, i) => (
        <Text key={i}>
          <Text color={VERDICT_COLOR[t.passed ? 'pass' : 'fail']}>{`${VERDICT_SYMBOL[t.passed ? 'pass' : 'fail']} ${t.passed ? 'PASS' : 'FAIL'}`}</Text>
          {`  ${t.expression}  ${formatThresholdValue(t.actual, t.unit)} (limit ${formatThresholdLimit(t)})`}
        </Text>
      ))}
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
