/**
 * Builds an operation's HTTP request from its profile templates. Pure and importing only the
 * templates, so the same source is embedded into exported k6 scripts (src/k6/embed.ts).
 */
import type { HttpMethod } from '../engine/http-client.ts';
import type { OperationSpec } from './schema.ts';
import { renderJson, renderText, type TemplateVars } from './template.ts';

/** A request built from an operation's templates. */
export interface BuiltRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/**
 * Renders an operation's path, headers and body with its variables. A header whose variables are
 * unknown is left out; a path variable that is unknown is an error in the profile.
 * @throws Error naming the operation's path and the missing variable
 */
export function buildRequest(spec: Pick<OperationSpec, 'method' | 'path' | 'headers' | 'body'>, vars: TemplateVars): BuiltRequest {
  const path = renderText(spec.path, vars, encodeURIComponent);
  if (path === undefined) throw new Error(`${spec.path}: a path variable has no value (known: ${Object.keys(vars).filter((k) => vars[k] !== undefined).join(', ')})`);
  let headers: Record<string, string> | undefined;
  for (const [name, template] of Object.entries(spec.headers ?? {})) {
    const value = renderText(template, vars);
    if (value !== undefined) (headers ??= {})[name] = value;
  }
  const body = spec.body === undefined ? undefined : renderJson(spec.body, vars);
  return { method: spec.method === 'PATCH' ? 'PATCH' : spec.method, path, ...(body === undefined ? {} : { body }), ...(headers === undefined ? {} : { headers }) };
}
