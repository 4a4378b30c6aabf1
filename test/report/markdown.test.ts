import { describe, expect, it } from 'vitest';
import { escapeCell, renderMarkdown } from '../../src/report/markdown.ts';
import { passingChecks, sampleOpenModelReport, sampleRunReport } from '../fixtures/run-report.ts';

/** The lines of the section under `## title`, up to the next `## ` heading. */
function section(md: string, title: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(`## ${title}`);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleRunReport());
  const lines = md.split('\n');

  it('titles the report with scenario and verdict', () => {
    expect(lines[0]).toBe('# ticketbench: contention — FAIL');
    expect(md).toContain('**Verdict: FAIL** (3/4 checks passed, 1 failed) · 57.4 TPS · p95 52.3 ms · 81 requests in 1.41 s');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('lists settings with redacted connections and the executor', () => {
    const s = section(md, 'Settings');
    expect(s).toContain('| option `vus` | `80` |');
    expect(s).toContain('| option `seats` | `1` |');
    expect(s).toContain('| executor | shared-iterations, 80 VUs, 80 iterations (max 1m 00s) |');
    expect(s).toContain('| target | `http://127.0.0.1:3100` |');
    expect(s).toContain('| MySQL | `mysql://ticket:***@127.0.0.1:3306/ticketing` |');
    expect(s).toContain('| servers started for this run | kafka |');
  });

  it('describes the machine and says when the target shared it', () => {
    const s = section(md, 'Machine');
    expect(s).toContain('| CPU | Intel(R) Xeon(R) CPU @ 2.20GHz, 2 cores |');
    expect(s).toContain('| memory | 7.8 GiB |');
    expect(s).toContain('| MySQL | 10.11.19-MariaDB |');
    expect(s).toContain('| Kafka | 3.7.0 |');
    expect(md).toContain("The load generator and the target shared this machine's 2 cores");
    const separate = renderMarkdown(sampleRunReport({ targetSharesMachine: false }));
    expect(separate).not.toContain('shared this machine');
  });

  it('renders throughput and a latency table per request name', () => {
    expect(section(md, 'Throughput')).toContain('| 81 | 1.41 s | 57.4 | 80 | 79 |');
    const s = section(md, 'Latency (ms)');
    expect(s).toContain('| request | count | min | mean | p50 | p90 | p95 | p99 | max |');
    expect(s).toContain('| **all** | 81 | 1.23 | 18.5 | 9.88 | 41.2 | 52.3 | 97.5 | 1,203 |');
    expect(s).toContain('| hold | 80 | 1.23 | 18.2 | 9.80 | 41.2 | 52.3 | 97.5 | 1,203 |');
    expect(s.some((l) => l.startsWith('| pay | 1 | 7.3'))).toBe(true);
  });

  it('renders status counts, operations with the info sentence, and TPS per second', () => {
    const status = section(md, 'HTTP status');
    expect(status).toContain('| 2 | 79 | 0 |');
    expect(status).toContain('| 409 | 79 |');
    const ops = section(md, 'Operations');
    expect(ops).toContain('| hold | 1 | 79 | 0 |');
    expect(ops).toContain('| pay | 1 | 0 | 0 |');
    expect(ops.join('\n')).toMatch(/`info`: indeterminate .* may or may not have taken effect/);
    const tps = section(md, 'Requests per second');
    expect(tps).toContain('`█▃` (peak 63/s over 2 s)');
    expect(tps).toContain('| 0 | 63 | 18 |');
    expect(md).not.toMatch(/!\[/); // no images yet
  });

  it('wraps the per-second table every 10 seconds', () => {
    const series = Array.from({ length: 23 }, (_, i) => i * 100);
    const report = sampleRunReport();
    const tps = section(renderMarkdown({ ...report, load: { ...report.load, tpsSeries: series } }), 'Requests per second');
    expect(tps).toContain('| 10 | 1,000 | 1,100 | 1,200 | 1,300 | 1,400 | 1,500 | 1,600 | 1,700 | 1,800 | 1,900 |');
    expect(tps).toContain('| 20 | 2,000 | 2,100 | 2,200 |  |  |  |  |  |  |  |');
  });

  it('renders the checks table, counts and evidence with escaped pipes', () => {
    const s = section(md, 'Checks');
    expect(s).toContain('| No double booking in MySQL (`mysql-integrity`) | PASS | 1 seat, 1 confirmed reservation, 0 double-booked |');
    expect(s).toContain(
      '| Every confirmed booking published to Kafka once (`kafka-events`) | **FAIL** | 12 duplicate events for 1 confirmed booking |',
    );
    expect(s).toContain('### FAIL: Every confirmed booking published to Kafka once (`kafka-events`)');
    expect(s).toContain('| confirmed | events | missing | duplicates |');
    expect(s).toContain('| 1 | 13 | 0 | 12 |');
    expect(s).toContain('Evidence (3 of 12 offending rows):');
    expect(s).toContain('| reservationId | topic | partition | offset | key |');
    expect(s).toContain('| 501 | reservation-events | 0 | 17 | seat\\|A-1 |');
    expect(s).toContain('| 501 | reservation-events | 1 | 4 | null |');
    expect(s).toContain('9 more not shown.');
  });

  it('says nothing about hidden rows when all evidence is shown', () => {
    const md2 = renderMarkdown(sampleRunReport({ checks: passingChecks(), verdict: 'pass' }));
    expect(md2.split('\n')[0]).toBe('# ticketbench: contention — PASS');
    expect(md2).toContain('(4/4 checks passed)');
    expect(md2).not.toContain('more not shown');
    expect(md2).not.toContain('Evidence');
  });

  it('escapes pipes everywhere user text reaches a table', () => {
    const report = sampleRunReport({
      options: { filter: 'a|b' },
      connections: { mysql: 'mysql://x|y', redis: 'r', kafka: 'k', target: 't' },
      checks: [{ ...passingChecks()[0]!, title: 'A | B', summary: 'x|y' }],
    });
    const out = renderMarkdown(report);
    expect(out).toContain('| option `filter` | `a\\|b` |');
    expect(out).toContain('| MySQL | `mysql://x\\|y` |');
    expect(out).toContain('| A \\| B (`mysql-integrity`) | PASS | x\\|y |');
    expect(escapeCell('line1\nline2')).toBe('line1<br>line2');
    expect(escapeCell(null)).toBe('null');
    // Every table row keeps the column count of its header despite pipes in the data.
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    const rows = out.split('\n').filter((l) => l.startsWith('| option') || l.startsWith('| setting'));
    expect(new Set(rows.map(cells)).size).toBe(1);
  });
});

describe('scenario results section', () => {
  it('lists the scenario figures, and is left out when there are none', async () => {
    const { renderMarkdown } = await import('../../src/report/markdown.ts');
    const { sampleRunReport } = await import('../fixtures/run-report.ts');
    const md = renderMarkdown(sampleRunReport({ results: { seatsSold: 1000, attemptsPerSale: 1.826, strategy: 'redis-lock' } }));
    expect(md).toContain('## Scenario results');
    expect(md).toMatch(/\| seatsSold \| 1,000 \|/);
    expect(md).toMatch(/\| attemptsPerSale \| 1\.83 \|/);
    expect(renderMarkdown(sampleRunReport({ results: {} }))).not.toContain('## Scenario results');
  });
});

describe('renderMarkdown for an open-model (arrival-rate) run', () => {
  const md = renderMarkdown(sampleOpenModelReport());

  it('describes the executor and counts dropped iterations with what they mean', () => {
    expect(section(md, 'Settings')).toContain('| executor | constant-arrival-rate, 50/s for 2.00 s (VUs 10 pre-allocated, max 20) |');
    const t = section(md, 'Throughput');
    expect(t).toContain('| requests | duration | TPS | iterations completed | iterations failed | iterations dropped |');
    expect(t).toContain('| 81 | 1.41 s | 57.4 | 80 | 79 | 12 |');
    expect(t.join('\n')).toMatch(/not queued/);
  });

  it('shows measured and corrected percentiles side by side, overall and per request', () => {
    const s = section(md, 'Latency (ms)');
    // The measured table is unchanged.
    expect(s).toContain('| **all** | 81 | 1.23 | 18.5 | 9.88 | 41.2 | 52.3 | 97.5 | 1,203 |');
    expect(s).toContain('| request | p50 | p50 corrected | p90 | p90 corrected | p95 | p95 corrected | p99 | p99 corrected | max | max corrected |');
    expect(s).toContain('| **all** | 9.88 | 20.5 | 41.2 | 120.4 | 52.3 | 250.8 | 97.5 | 612.3 | 1,203 | 1,450 |');
    expect(s).toContain('| hold | 9.80 | 20.4 | 41.2 | 120.4 | 52.3 | 250.8 | 97.5 | 612.3 | 1,203 | 1,450 |');
    expect(s).toContain('| pay | 7.34 | 9.50 | 7.34 | 9.50 | 7.34 | 9.50 | 7.34 | 9.50 | 7.34 | 9.50 |');
    expect(s.join('\n')).toMatch(/coordinated omission/);
  });

  it('a closed-model report has neither the dropped column nor the corrected table', () => {
    const closed = renderMarkdown(sampleRunReport());
    expect(closed).not.toContain('iterations dropped');
    expect(closed).not.toContain('corrected');
  });

  it('formats a ramping-arrival-rate executor with its stages', () => {
    const base = sampleOpenModelReport();
    const report = {
      ...base,
      load: {
        ...base.load,
        executor: {
          executor: 'ramping-arrival-rate' as const,
          startRate: 0,
          timeUnitMs: 1000,
          stages: [
            { target: 100, durationMs: 30_000 },
            { target: 500, durationMs: 60_000 },
            { target: 0, durationMs: 30_000 },
          ],
          preAllocatedVUs: 50,
          maxVUs: 500,
        },
      },
    };
    expect(section(renderMarkdown(report), 'Settings')).toContain(
      '| executor | ramping-arrival-rate, 0 → 100/s over 30.0 s → 500/s over 1m 00s → 0/s over 30.0 s (VUs 50 pre-allocated, max 500) |',
    );
  });
});
