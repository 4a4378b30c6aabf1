import type { CompareStaticItem } from './compare-state.ts';
import { CompareRunLine } from './CompareRunLine.tsx';
import { NoticeLine } from './NoticeLine.tsx';

/** Props of CompareStaticRow: one finished item of the comparison. */
export type CompareStaticRowProps = {
  readonly item: CompareStaticItem;
};

/** Renders a notice or a finished run's row with its own component. */
export function CompareStaticRow({ item }: CompareStaticRowProps) {
  switch (item.kind) {
    case 'notice':
      return <NoticeLine message={item.message} />;
    case 'run':
      return <CompareRunLine info={item.info} run={item.run} />;
  }
}
