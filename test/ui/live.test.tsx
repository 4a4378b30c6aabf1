import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunEmitter, RunEventMap } from '../../src/run/types.ts';
import { renderLive } from '../../src/ui/live.tsx';
import { passingChecks, sampleProgress, sampleRunReport } from '../fixtures/run-report.ts';

/** Just enough of a TTY stream for ink, collecting what it writes. */
class FakeStdout extends EventEmitter {
  readonly columns = 120;
  readonly rows = 40;
  readonly isTTY = false;
  readonly written: string[] = [];
  write = (chunk: string): boolean => {
    this.written.push(chunk);
    return true;
  };
}

describe('renderLive', () => {
  it('draws the run and resolves waitUntilExit after done', async () => {
    const emitter: RunEmitter = new EventEmitter<RunEventMap>();
    const stdout = new FakeStdout();
    const live = renderLive(emitter, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stdout as unknown as NodeJS.WriteStream,
      debug: true,
      patchConsole: false,
      exitOnCtrlC: false,
    });
    const report = sampleRunReport({ checks: passingChecks(), verdict: 'pass' });
    emitter.emit('phase', 'load', '80 VUs, shared-iterations, 80 iterations');
    emitter.emit('progress', sampleProgress());
    for (const c of report.checks) emitter.emit('check', c);
    emitter.emit('done', report, { json: 'r/a.json', markdown: 'r/a.md' });
    await live.waitUntilExit();
    const out = stripVTControlCharacters(stdout.written.join(''));
    expect(out).toContain('PASS  4/4 checks passed');
    expect(out).toContain('report  r/a.md');
    expect(emitter.listenerCount('done')).toBe(0);
  });
});

describe('renderLive unmount', () => {
  it('tears down a run that never finishes and resolves waitUntilExit', async () => {
    const emitter: RunEmitter = new EventEmitter<RunEventMap>();
    const stdout = new FakeStdout();
    const live = renderLive(emitter, { stdout: stdout as unknown as NodeJS.WriteStream, debug: true, patchConsole: false });
    emitter.emit('phase', 'setup', 'creating the concert');
    live.unmount();
    await live.waitUntilExit();
    expect(emitter.listenerCount('phase')).toBe(0);
  });
});
