// Runs the real `ticketbench` executable as a child process, as a user or a CI job would.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The executable under test. */
export const BIN = path.resolve(import.meta.dirname, '../../bin/ticketbench.js');

/** What a finished `ticketbench` process left behind. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `ticketbench ARGS` with no stdin and TICKETBENCH_DEBUG unset (so errors are the one-line
 * kind users see). `onStdout` sees the output so far after each chunk (e.g. to send a signal).
 */
export function cli(args: readonly string[], onStdout?: (text: string, child: ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TICKETBENCH_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
