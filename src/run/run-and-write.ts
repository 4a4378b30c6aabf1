/**
 * A run plus its report files, as `ticketbench run` and `compare` want it: runScenario (which
 * writes nothing) and then src/report's writer. Kept apart so programs that only need the
 * RunReport (tests, a future `verify`) run a scenario without touching the disk.
 */
import { writeReport, type ReportPaths } from '../report/write.ts';
import { runScenario, type RunOutcome, type RunScenarioOptions } from './run-scenario.ts';

/** runScenario's options plus where the report goes. */
export interface RunAndWriteOptions extends RunScenarioOptions {
  /** Report folder (created if needed). */
  readonly outDir: string;
}

/** A run's outcome and where its report files were written. */
export interface WrittenRunOutcome extends RunOutcome {
  readonly paths: ReportPaths;
}

/**
 * Runs the scenario, then writes its report (`<time>-<scenario>.json`, `.md` and three SVG
 * charts) into `outDir`, emitting the `report` phase before writing and `done` after.
 * @throws what runScenario throws; a report that cannot be written throws the file system's error.
 */
export async function runAndWriteReport(options: RunAndWriteOptions): Promise<WrittenRunOutcome> {
  const { outDir, ...runOptions } = options;
  const outcome = await runScenario(runOptions);
  options.emitter?.emit('phase', 'report', `writing ${outDir}`);
  const paths = await writeReport(outcome.report, outDir);
  options.emitter?.emit('done', outcome.report, paths);
  return { ...outcome, paths };
}
