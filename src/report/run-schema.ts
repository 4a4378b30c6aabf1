/**
 * Reading a run report back through the model's zod schema of RunReport format 1 (the schema the
 * writer's type is inferred from, src/model/run-report.ts), with every rejection one sentence
 * naming the file and what is wrong. Pure: the caller reads the file.
 */
import { TicketbenchError } from '../errors.ts';
import { runReportSchema, type RunReport } from '../model/run-report.ts';

/** `checks[2].verdict` from a zod issue path. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses the text of a run report JSON file. `file` is how the message names it.
 * @throws TicketbenchError INVALID_OPTION (exit 2), one line: not JSON; a compare report or a
 *   before/after comparison rather than a run report; not a ticketbench report at all; another
 *   format version; or the first field that does not fit format 1.
 */
export function parseRunReport(text: string, file: string): RunReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TicketbenchError('INVALID_OPTION', `${file} is not JSON (${(err as Error).message}); give the .json file \`ticketbench run\` wrote.`);
  }
  if (!isRecord(json)) throw new TicketbenchError('INVALID_OPTION', `${file} is not a ticketbench run report: it holds no JSON object.`);
  if (json['kind'] === 'compare') {
    throw new TicketbenchError(
      'INVALID_OPTION',
      `${file} is a compare report (written by \`ticketbench compare\`), not a run report; give the .json of one run, e.g. one listed in that report's Runs table.`,
    );
  }
  if (json['kind'] === 'run-comparison') {
    throw new TicketbenchError('INVALID_OPTION', `${file} is a before/after comparison (written by \`ticketbench report --compare\`), not a run report.`);
  }
  if (!('format' in json) || !('scenario' in json) || !('load' in json)) {
    throw new TicketbenchError('INVALID_OPTION', `${file} is not a ticketbench run report (it has no format, scenario and load fields).`);
  }
  if (json['format'] !== 1) {
    throw new TicketbenchError('INVALID_OPTION', `${file} is a run report of format ${JSON.stringify(json['format'])}; this ticketbench reads format 1.`);
  }
  const parsed = runReportSchema.safeParse(json);
  if (!parsed.success) {
    const [first, ...more] = parsed.error.issues;
    const where = first && first.path.length > 0 ? `${pathText(first.path)}: ` : '';
    const rest = more.length > 0 ? ` (and ${more.length} more problem${more.length === 1 ? '' : 's'})` : '';
    throw new TicketbenchError('INVALID_OPTION', `${file} is not a valid ticketbench run report: ${where}${first?.message ?? 'does not fit format 1'}${rest}.`);
  }
  return parsed.data;
}
