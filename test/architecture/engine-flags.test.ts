// The engine takes typed configs only: no module under src/engine writes a flag into a message
// or a string. The executors' options are declared (spelled) in src/engine/executors/flags.ts
// and formatted by the option layer (src/options).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/infra/paths.ts';

const ENGINE = path.join(REPO_ROOT, 'src', 'engine');
const DECLARATIONS = path.join(ENGINE, 'executors', 'flags.ts');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourcesUnder(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** String and template literals of a source file that contain a long flag such as `--rate`. */
function flagLiterals(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...withoutComments.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)].map((m) => m[0]).filter((literal) => /--[a-z]/.test(literal));
}

describe('the engine spells no flag', () => {
  it('has no string literal naming a flag outside the executors\' declarations', () => {
    const found = sourcesUnder(ENGINE)
      .filter((file) => file !== DECLARATIONS)
      .flatMap((file) => flagLiterals(readFileSync(file, 'utf8')).map((literal) => `${path.relative(REPO_ROOT, file)}: ${literal}`));
    expect(found).toEqual([]);
  });

  it('would see one (the scan finds flags in literals)', () => {
    expect(flagLiterals("throw new Error(`--rate must be positive, got ${rate}.`);")).toHaveLength(1);
    expect(flagLiterals('// --rate in a comment\nconst x = 1;')).toHaveLength(0);
  });
});
