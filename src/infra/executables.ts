/**
 * Finding server binaries without a shell.
 */
import fs from 'node:fs';
import path from 'node:path';

/** True when `file` exists and is executable by this process. */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Absolute path of the first executable called `name` in $PATH (`env.PATH`), or undefined.
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The first of `candidates` that is executable: absolute paths as they are, bare names via $PATH. */
export function findExecutable(candidates: readonly string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const candidate of candidates) {
    const found = path.isAbsolute(candidate) ? (isExecutable(candidate) ? candidate : undefined) : findOnPath(candidate, env);
    if (found) return found;
  }
  return undefined;
}
