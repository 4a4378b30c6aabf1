import { Box, Text } from 'ink';
import { CheckLine } from './CheckLine.tsx';
import type { CurrentRun } from './compare-state.ts';
import { ProgressPanel } from './ProgressPanel.tsx';

/** Props of CompareCurrent: the run in progress. */
export type CompareCurrentProps = {
  readonly current: CurrentRun;
};

/**
 * The run in progress: which strategy (k of N) and run, its phase, the load progress panel of
 * `ticketbench run` and the checks that have arrived so far.
 */
export function CompareCurrent({ current }: CompareCurrentProps) {
  const { info } = current;
  const rounds = info.total / info.strategies;
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan" bold>{`▸ ${info.label}`}</Text>
        {` strategy ${info.strategyIndex} of ${info.strategies} · run ${info.index}/${info.total}`}
        {rounds > 1 ? ` · round ${info.round} of ${rounds}` : ''}
        {current.phase ? <Text dimColor>{`  ${current.phase}: ${current.detail}`}</Text> : null}
      </Text>
      {current.progress ? <ProgressPanel snapshot={current.progress} /> : null}
      {current.checks.map((check) => (
        <CheckLine key={check.id} check={check} />
      ))}
    </Box>
  );
}
