/**
 * Loads a target profile from a file and validates it: a `.ts`, `.js` or `.mjs` module whose
 * default export is the profile (usually `defineProfile({...})`), or a `.json`, `.yaml` or `.yml`
 * document. Every file goes through the same zod schema, so a plain JSON profile gets the same
 * messages as a typed one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { TicketbenchError } from '../errors.ts';
import { describeError } from '../util/describe-error.ts';
import { profileSchema, type TargetProfile } from './schema.ts';

/** A profile with the file it came from (the folder its `start.command` runs in). */
export interface LoadedProfile {
  readonly profile: TargetProfile;
  /** Absolute path of the file; undefined for a profile given as a value. */
  readonly file?: string;
}

/** The folder a profile's commands (start, setup) run in: its file's, or the working directory for a profile given as a value. */
export function profileFolder(loaded: LoadedProfile): string {
  return loaded.file === undefined ? process.cwd() : path.dirname(loaded.file);
}

/**
 * Reads and validates the profile in `file` (relative to the working directory).
 * @throws TicketbenchError INVALID_PROFILE (exit 2) when the file cannot be read or loaded, or
 *   does not validate: one detail line per problem, with the field's path.
 */
export async function loadProfile(file: string): Promise<LoadedProfile> {
  const absolute = path.resolve(file);
  let raw: unknown;
  try {
    const extension = path.extname(absolute).toLowerCase();
    if (extension === '.json') raw = JSON.parse(await readFile(absolute, 'utf8'));
    else if (extension === '.yaml' || extension === '.yml') raw = parseYaml(await readFile(absolute, 'utf8'));
    else if (['.ts', '.mts', '.js', '.mjs'].includes(extension)) raw = defaultExport(await tsImport(pathToFileURL(absolute).href, import.meta.url));
    else throw new Error('a profile is a .ts, .js, .mjs, .json, .yaml or .yml file');
  } catch (err) {
    throw new TicketbenchError('INVALID_PROFILE', `Cannot load profile ${file}: ${describeError(err)}.`, { cause: err });
  }
  if (raw === undefined) throw new TicketbenchError('INVALID_PROFILE', `Profile ${file} exports nothing: write \`export default defineProfile({...})\`.`);
  return { profile: validateProfile(raw, file), file: absolute };
}

/**
 * A module's default export. A `.ts` file outside an ES-module package is compiled as CommonJS,
 * where `export default` lands on `module.exports.default`: both shapes are the user's default.
 */
function defaultExport(module: { default?: unknown }): unknown {
  const value = module.default as { __esModule?: unknown; default?: unknown } | undefined;
  return value !== null && typeof value === 'object' && value.__esModule === true ? value.default : value;
}

/**
 * Validates a profile value.
 * @param source named in the message (a file, or `bundled`)
 * @throws TicketbenchError INVALID_PROFILE with one detail line per problem: `operations.hold.ok: …`.
 */
export function validateProfile(raw: unknown, source: string): TargetProfile {
  const parsed = profileSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = describeIssues(parsed.error.issues);
  throw new TicketbenchError('INVALID_PROFILE', `Profile ${source} is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):`, { details: problems });
}

/** One line per issue: the field's dotted path (or `(profile)`), then what is wrong. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.length === 0 ? '(profile)' : issue.path.map(String).join('.')}: ${issue.message}`);
}
