/**
 * The profile's templates and paths: `{name}` placeholders in paths, headers, bodies and SQL, and
 * dot-separated JSON paths into answers. Kept apart from the HTTP and SQL code so both read
 * templates the same way.
 */

/** A template variable's value; `undefined` = not known for this operation (the field is left out). */
export type TemplateValue = string | number | boolean | null | undefined;
/** The variables of one operation, e.g. `{ scheduleId: 12, seatNo: 'A1', userId: 'c0ffee…' }`. */
export type TemplateVars = Readonly<Record<string, TemplateValue>>;

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The names of the placeholders in `template`, in order, e.g. `['scheduleId', 'seatNo']`. */
export function placeholderNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * Replaces every `{name}` in `template` by `vars[name]` (through `encode`, e.g. URI encoding for
 * paths). Undefined when a variable is not known, so the caller can leave the field out.
 */
export function renderText(template: string, vars: TemplateVars, encode: (value: string) => string = (v) => v): string | undefined {
  let missing = false;
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) {
      missing = true;
      return '';
    }
    return encode(String(value));
  });
  return missing ? undefined : text;
}

/**
 * Renders a JSON body template: a string leaf that is exactly `{name}` becomes the variable with
 * its type (a number stays a number); other strings are interpolated; a leaf whose variables are
 * unknown is left out of its object (or array), and so is an object all of whose fields were left
 * out (an optional part of a request, such as a queue's settings).
 */
export function renderJson(template: unknown, vars: TemplateVars): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(template);
    return whole ? vars[whole[1]!] : renderText(template, vars);
  }
  if (Array.isArray(template)) return template.map((item) => renderJson(item, vars)).filter((item) => item !== undefined);
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) {
      const rendered = renderJson(value, vars);
      if (rendered !== undefined) out[key] = rendered;
    }
    return Object.keys(out).length === 0 && Object.keys(template).length > 0 ? undefined : out;
  }
  return template;
}

/**
 * Turns an SQL template into a statement with `?` parameters: `{name}` becomes `?` bound to the
 * variable, and a list variable (`{scheduleIds}`) becomes `?, ?, …` with each element bound, so
 * values are never spliced into SQL text.
 * @throws Error naming a placeholder with no value
 */
export function renderSql(template: string, vars: Readonly<Record<string, TemplateValue | readonly (string | number)[]>>): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`{${name}} has no value here (known: ${Object.keys(vars).join(', ')})`);
    if (Array.isArray(value)) {
      // An empty IN list is a syntax error; NULL matches nothing, which is what an empty list means.
      if (value.length === 0) return 'NULL';
      params.push(...value);
      return value.map(() => '?').join(', ');
    }
    params.push(value);
    return '?';
  });
  return { sql, params };
}

/** The value at a dot-separated path (`data.items.0.id`; `` = the value itself), or undefined. */
export function readPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
