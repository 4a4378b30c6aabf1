/**
 * The events one `ticketbench run` emits while it goes, for the views (src/ui) and for whoever
 * writes its report. The report itself is the model's RunReport (src/model/run-report.ts).
 */
import type { EventEmitter } from 'node:events';
import type { CheckResult, RunReport, RunReportPaths } from '../model/run-report.ts';
import type { ProgressSnapshot } from '../engine/types.ts';

/** Phases of a run, in order. */
export type RunPhase = 'infra' | 'target' | 'setup' | 'load' | 'checks' | 'report';

/** Events a run emits; the Ink UI and the plain printer only listen. */
export interface RunEventMap {
  /** A phase began; `detail` says what is happening, e.g. `starting kafka`. */
  phase: [phase: RunPhase, detail: string];
  /** Something the user should know (e.g. `started kafka (pid 1234)`). */
  notice: [message: string];
  progress: [snapshot: ProgressSnapshot];
  check: [result: CheckResult];
  /**
   * The report files were written: emitted by runAndWriteReport (src/run/run-and-write.ts), not
   * by runScenario, which writes nothing and returns the report. The views end on this.
   */
  done: [report: RunReport, paths: RunReportPaths];
}

export type RunEmitter = EventEmitter<RunEventMap>;
