/**
 * Prints the functions with the most self time in a V8 `.cpuprofile` (written by
 * `node --cpu-prof`), so that a profile can be read without DevTools:
 * `node --import tsx bench/profile-top.ts FILE.cpuprofile [N]`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
/** A V8 CPU profile as `--cpu-prof` writes it (the fields read here). */
export interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time per function (name + file + line), ms, largest first, with its share of all samples. */
export function selfTimes(profile: Profile): { readonly name: string; readonly ms: number; readonly share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const delta = profile.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/wt-bench\//, '');
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + delta);
    all += delta;
  });
  return [...totals]
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / Math.max(all, 1) }))
    .sort((a, b) => b.ms - a.ms);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, top = '30'] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top.ts FILE.cpuprofile [N]');
  for (const row of selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile).slice(0, Number(top))) {
    console.log(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(6)} ms  ${row.name}`);
  }
}
