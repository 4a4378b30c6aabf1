import { Box, Text } from 'ink';
import type { CheckResult } from '../checks/types.ts';
import { formatVerdict } from '../report/format.ts';
import { VERDICT_COLOR, VERDICT_SYMBOL } from './theme.ts';

/** Props of CheckLine: one finished check. */
export type CheckLineProps = {
  readonly check: CheckResult;
};

/**
 * A check's verdict in its colour (green pass, red fail, yellow unknown) and title, with its
 * summary line under it.
 */
export function CheckLine({ check }: CheckLineProps) {
  const color = VERDICT_COLOR[check.verdict];
  return (
    <Box flexDirection="column" paddingLeft={2}>
      <Box>
        <Text color={color} bold>
          {`${VERDICT_SYMBOL[check.verdict]} ${formatVerdict(check.verdict).padEnd(7)}`}
        </Text>
        <Text>{` ${check.title}`}</Text>
        <Text dimColor>{` (${check.id})`}</Text>
      </Box>
      <Text dimColor>{`          ${check.summary}`}</Text>
    </Box>
  );
}
