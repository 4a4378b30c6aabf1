import { Box, Text } from 'ink';
import type { ProgressSnapshot } from '../engine/types.ts';
import {
  formatCount,
  formatDuration,
  formatMsUnit,
  formatPercent,
  formatTps,
  progressBar,
  progressFraction,
} from '../report/format.ts';

/** Props of ProgressPanel: the latest snapshot of the load phase. */
export type ProgressPanelProps = {
  readonly snapshot: ProgressSnapshot;
  /** Bar width in characters. */
  readonly barWidth?: number;
};

/**
 * The load phase at a glance: a bar over iterations (shared-iterations) or over the duration
 * (constant-vus, arrival-rate), elapsed time, VUs busy, dropped iterations (arrival-rate executors,
 * once there are any), requests, TPS, p50/p95/p99, and ok/conflict/error counts.
 */
export function ProgressPanel({ snapshot: p, barWidth = 30 }: ProgressPanelProps) {
  const fraction = progressFraction(p);
  const amount =
    p.iterationsTotal !== undefined
      ? `${formatCount(p.iterationsCompleted)}/${formatCount(p.iterationsTotal)} iterations`
      : `${formatCount(p.iterationsCompleted)} iterations`;
  const elapsed =
    p.durationMs !== undefined ? `${formatDuration(p.elapsedMs)}/${formatDuration(p.durationMs)}` : formatDuration(p.elapsedMs);
  return (
    <Box flexDirection="column" paddingLeft={2}>
      <Box>
        {fraction !== undefined ? (
          <Text>
            <Text color="cyan">{progressBar(fraction, barWidth)}</Text>
            {` ${formatPercent(fraction).padStart(4)}  `}
          </Text>
        ) : null}
        <Text>{`${amount} · elapsed ${elapsed} · ${formatCount(p.activeVus)} VUs`}</Text>
        {/* Only arrival-rate executors drop iterations; hidden while there is nothing to report. */}
        {p.droppedIterations > 0 ? <Text color="yellow">{` · ${formatCount(p.droppedIterations)} dropped`}</Text> : null}
      </Box>
      <Text>
        {`requests ${formatCount(p.requests)} · `}
        <Text bold>{`TPS ${formatTps(p.tps)}`}</Text>
        {` · p50 ${formatMsUnit(p.latency.p50Ms)} · `}
        <Text bold>{`p95 ${formatMsUnit(p.latency.p95Ms)}`}</Text>
        {` · p99 ${formatMsUnit(p.latency.p99Ms)}`}
      </Text>
      <Text>
        <Text color="green">{`ok ${formatCount(p.status.ok)}`}</Text>
        {' · '}
        <Text color="yellow">{`conflict ${formatCount(p.status.conflict)}`}</Text>
        {' · '}
        <Text color={p.status.error > 0 ? 'red' : undefined}>{`error ${formatCount(p.status.error)}`}</Text>
      </Text>
    </Box>
  );
}
