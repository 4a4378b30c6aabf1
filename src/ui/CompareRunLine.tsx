import { Text } from 'ink';
import type { CompareRunInfo, StrategyRun } from '../model/compare.ts';
import { formatRunLine } from './compare-plain.ts';
import { VERDICT_COLOR, VERDICT_SYMBOL } from './theme.ts';

/** Props of CompareRunLine: a finished run of the comparison. */
export type CompareRunLineProps = {
  readonly info: CompareRunInfo;
  readonly run: StrategyRun;
};

/**
 * A finished run as one row: its verdict symbol (yellow, not red, when an unsafe strategy failed,
 * which is expected) and its figures as the plain printer words them.
 */
export function CompareRunLine({ info, run }: CompareRunLineProps) {
  const verdict = run.report.verdict;
  const expected = !run.safe && verdict !== 'pass';
  return (
    <Text>
      <Text color={expected ? 'yellow' : VERDICT_COLOR[verdict]} bold>{`${VERDICT_SYMBOL[verdict]} `}</Text>
      {formatRunLine(info, run)}
    </Text>
  );
}
