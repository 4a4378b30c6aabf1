import { Text } from 'ink';

/** Props of NoticeLine: the runner's message, e.g. `started kafka (pid 1234)`. */
export type NoticeLineProps = {
  readonly message: string;
};

/** A notice, indented under the phase it belongs to. */
export function NoticeLine({ message }: NoticeLineProps) {
  return <Text dimColor>{`  · ${message}`}</Text>;
}
