/**
 * A one-line description of any thrown value: the message, prefixed with the error's `code`
 * (`ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`) when it has one the message does not
 * already name; `String(value)` for what is not an Error. A leaf module with no imports: the
 * toolkit and the bundled target (a separate program) both use it.
 */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const base = err.message || err.name;
    return typeof code === 'string' && !base.includes(code) ? `${code}: ${base}` : base;
  }
  return String(err);
}
