/** Which code a benchmark measured, for its saved report. */
import { spawnSync } from 'node:child_process';

/** The short commit of `root`'s checkout, with ` + uncommitted changes` when tracked files differ from it. */
export function gitCommit(root: string): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
  return `${r.stdout.trim() || 'unknown'}${dirty ? ' + uncommitted changes' : ''}`;
}
