import type { StaticItem } from './state.ts';
import { CheckLine } from './CheckLine.tsx';
import { NoticeLine } from './NoticeLine.tsx';
import { PhaseLine } from './PhaseLine.tsx';
import { ProgressPanel } from './ProgressPanel.tsx';

/** Props of StaticRow: one finished item of the run. */
export type StaticRowProps = {
  readonly item: StaticItem;
};

/** Renders a finished item (phase, notice, frozen load figures or check) with its own component. */
export function StaticRow({ item }: StaticRowProps) {
  switch (item.kind) {
    case 'phase':
      return <PhaseLine phase={item.phase} detail={item.detail} />;
    case 'notice':
      return <NoticeLine message={item.message} />;
    case 'progress':
      return <ProgressPanel snapshot={item.snapshot} />;
    case 'check':
      return <CheckLine check={item.check} />;
  }
}
