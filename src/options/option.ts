/**
 * One option layer for the CLI: an option is declared once, next to the code it configures (an
 * executor in src/engine/executors/flags.ts, a scenario in its file), as k6 keeps an executor's
 * config and validation with the executor. A declaration holds the flag's spelling (commander
 * syntax), its description and the kind of value it takes (src/options/values.ts). The CLI builds
 * commander options from declarations and parses the given texts through them; the code they
 * configure receives typed values only and never spells a flag.
 */
import { Command, Option } from 'commander';
import type { ValueParser } from './values.ts';

/** An option's declaration. */
export interface OptionSpec<T = unknown> {
  /** commander syntax, e.g. `--seats <n>`: the spelling, written only here. */
  readonly flags: string;
  /** One line for `--help`, with the default and unit, e.g. `seats contested (default 1)`. */
  readonly description: string;
  /**
   * Parses the given text; `flag` is the long flag (`--seats`) for messages.
   * @throws TicketbenchError INVALID_OPTION with one sentence on bad input.
   */
  readonly parse: ValueParser<T>;
}

/** Declares an option; the identity, with the value type inferred from `parse`. */
export function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

/** The long flag of a declaration, e.g. `--pre-allocated-vus` for `--pre-allocated-vus <n>`. */
export function flagOf(spec: Pick<OptionSpec, 'flags'>): string {
  return new Option(spec.flags).long ?? spec.flags;
}

/** The key commander stores the value under, e.g. `preAllocatedVus` (commander's own naming). */
export function attributeOf(spec: Pick<OptionSpec, 'flags'>): string {
  return new Option(spec.flags).attributeName();
}

/** Adds the declared options to a commander command (values stay text until parseDeclared). */
export function addDeclaredOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) command.option(spec.flags, spec.description);
  return command;
}

/**
 * Parses the values commander collected (`opts`, keyed by attribute name) through their
 * declarations; an option not given is absent from the result.
 * @param specs declarations keyed by the name the caller wants the value under
 * @throws TicketbenchError INVALID_OPTION from the first value that does not parse.
 */
export function parseDeclared<K extends string>(specs: Readonly<Record<K, OptionSpec>>, opts: Readonly<Record<string, unknown>>): Partial<Record<K, unknown>> {
  const values: Partial<Record<K, unknown>> = {};
  for (const key of Object.keys(specs) as K[]) {
    const spec = specs[key];
    const given = opts[attributeOf(spec)];
    if (given !== undefined) values[key] = spec.parse(String(given), flagOf(spec));
  }
  return values;
}
