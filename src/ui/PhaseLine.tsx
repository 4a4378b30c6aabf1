import { Box, Text } from 'ink';
import type { RunPhase } from '../run/types.ts';

/** Props of PhaseLine: the phase that started and the runner's description of it. */
export type PhaseLineProps = {
  readonly phase: RunPhase;
  readonly detail: string;
};

/** One line announcing a phase, e.g. `▸ load  80 VUs, shared-iterations, 80 iterations`. */
export function PhaseLine({ phase, detail }: PhaseLineProps) {
  return (
    <Box>
      <Text color="cyan" bold>
        {'▸ '}
        {phase}
      </Text>
      {detail ? <Text>{`  ${detail}`}</Text> : null}
    </Box>
  );
}
