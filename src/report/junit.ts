/**
 * `--junit PATH`: the checks and thresholds as JUnit XML, the format CI systems show as test
 * results (GitHub Actions reporters, GitLab, Jenkins). One `<testsuite>` per run (compare: per
 * strategy run), one `<testcase>` per check (classname `ticketbench.checks`) and per threshold
 * (`ticketbench.thresholds`) and per fault the nemesis injected (`ticketbench.nemesis`); a failed
 * or unknown check and a failed threshold carry a `<failure message=…>` with the summary and
 * evidence, a fault the nemesis could not inject or heal an `<error>`. Times in seconds. Written by hand: the
 * format is a few elements, and the only care it needs is escaping (escapeXml).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckResult } from '../checks/types.ts';
import type { CompareResult } from '../model/compare.ts';
import type { NemesisReport, RunReport, ThresholdResult } from '../model/run-report.ts';
import { formatDuration, formatThresholdLimit, formatThresholdStop, formatThresholdValue } from './format.ts';

// XML 1.0 forbids these even as character references; a lone surrogate is not a character either.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for an XML attribute value or element content: `& < > " '` become entities,
 * characters XML 1.0 cannot carry become U+FFFD, and in attributes line breaks and tabs become
 * character references so that parsers do not normalise them to spaces.
 */
export function escapeXml(text: string, inAttribute = true): string {
  const escaped = text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
  return inAttribute ? escaped.replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : escaped;
}

/** One test case: a check or a threshold. */
interface Case {
  readonly classname: 'ticketbench.checks' | 'ticketbench.thresholds' | 'ticketbench.nemesis' | 'ticketbench.run';
  readonly name: string;
  readonly failure?: { readonly message: string; readonly type: string; readonly body: string };
  readonly error?: { readonly message: string; readonly type: string };
  /** Shown as the case's output, e.g. why an expected failure is not one. */
  readonly out?: string;
}

/** One suite: a run. */
interface Suite {
  readonly name: string;
  readonly timestamp: string;
  /** Seconds. */
  readonly time: number;
  readonly properties: readonly (readonly [string, string])[];
  readonly cases: readonly Case[];
}

function seconds(fromIso: string, toIso: string): number {
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}

function evidenceText(check: CheckResult): string {
  const counts = Object.entries(check.counts).map(([k, n]) => `${k}=${n}`).join(', ');
  const rows = check.evidence.map((row) => Object.entries(row).map(([k, v]) => `${k}=${v === null ? 'null' : String(v)}`).join(', '));
  const more = check.evidenceTotal - check.evidence.length;
  return [check.summary, counts && `counts: ${counts}`, ...rows, more > 0 ? `${more} more not shown` : ''].filter(Boolean).join('\n');
}

function checkCase(check: CheckResult, expectedToFail: boolean): Case {
  const name = `${check.id} (${check.title})`;
  if (check.verdict === 'pass') return { classname: 'ticketbench.checks', name };
  // An unsafe strategy is run to show the checks catch its race: its failure is the expected outcome.
  if (expectedToFail) return { classname: 'ticketbench.checks', name: `${name} [unsafe strategy: failure expected]`, out: `${check.verdict}: ${evidenceText(check)}` };
  const message = check.verdict === 'unknown' ? `unknown: ${check.summary}` : check.summary;
  return { classname: 'ticketbench.checks', name, failure: { message, type: check.verdict, body: evidenceText(check) } };
}

function thresholdCase(t: ThresholdResult): Case {
  if (t.passed) return { classname: 'ticketbench.thresholds', name: t.expression };
  const message = `measured ${formatThresholdValue(t.actual, t.unit)}, limit ${formatThresholdLimit(t)}${formatThresholdStop(t)}`;
  return { classname: 'ticketbench.thresholds', name: t.expression, failure: { message, type: 'threshold', body: `${t.expression}: ${message} (source: ${t.source})` } };
}

/**
 * One case per fault the nemesis injected (classname `ticketbench.nemesis`): a fault is not a
 * failure of the service, so it passes with what happened as output, unless the nemesis itself
 * could not inject or heal it (an error: the run did not test what it was asked to).
 */
function faultCase(row: NemesisReport['timeline'][number]): Case {
  const name = `${row.fault} on ${row.target} at ${formatDuration(row.startMs)}`;
  const out = `${row.detail}; ${row.opsInfo} ops info; first ok after heal: ${row.firstOkAfterHealMs === null ? 'none' : formatDuration(row.firstOkAfterHealMs)}`;
  const broken = /could not inject|heal failed/.exec(row.detail);
  return broken ? { classname: 'ticketbench.nemesis', name, error: { message: row.detail, type: 'nemesis' }, out } : { classname: 'ticketbench.nemesis', name, out };
}

function runSuite(report: RunReport, name: string, expectChecksToFail: boolean, reportPath: string | undefined): Suite {
  const properties: [string, string][] = [
    ['scenario', report.scenario],
    ['strategy', String(report.options['strategy'] ?? '')],
    ['checks.verdict', report.verdict],
  ];
  if (report.aborted) properties.push(['aborted', report.aborted.reason]);
  if (report.nemesis) properties.push(['nemesis.faults', report.nemesis.faults.join(',')], ['nemesis.seed', String(report.nemesis.seed)]);
  if (reportPath) properties.push(['report', reportPath]);
  return {
    name,
    timestamp: report.startedAt,
    time: seconds(report.startedAt, report.endedAt),
    properties,
    cases: [...report.checks.map((c) => checkCase(c, expectChecksToFail)), ...report.thresholds.map(thresholdCase), ...(report.nemesis?.timeline.map(faultCase) ?? [])],
  };
}

function renderCase(c: Case): string {
  const open = `    <testcase classname="${c.classname}" name="${escapeXml(c.name)}" time="0"`;
  const inner: string[] = [];
  if (c.failure) inner.push(`      <failure message="${escapeXml(c.failure.message)}" type="${escapeXml(c.failure.type)}">${escapeXml(c.failure.body, false)}</failure>`);
  if (c.error) inner.push(`      <error message="${escapeXml(c.error.message)}" type="${escapeXml(c.error.type)}"/>`);
  if (c.out) inner.push(`      <system-out>${escapeXml(c.out, false)}</system-out>`);
  return inner.length === 0 ? `${open}/>` : [`${open}>`, ...inner, '    </testcase>'].join('\n');
}

/** Renders suites as a JUnit XML document (`<testsuites>` root), ending with a newline. */
function renderSuites(suites: readonly Suite[]): string {
  const count = (pick: (c: Case) => boolean, s: readonly Case[]): number => s.filter(pick).length;
  const all = suites.flatMap((s) => s.cases);
  const time = suites.reduce((sum, s) => sum + s.time, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ticketbench" tests="${all.length}" failures="${count((c) => !!c.failure, all)}" errors="${count((c) => !!c.error, all)}" time="${time.toFixed(3)}">`,
  ];
  for (const s of suites) {
    lines.push(
      `  <testsuite name="${escapeXml(s.name)}" tests="${s.cases.length}" failures="${count((c) => !!c.failure, s.cases)}" errors="${count((c) => !!c.error, s.cases)}" skipped="0" time="${s.time.toFixed(3)}" timestamp="${escapeXml(s.timestamp)}">`,
      '    <properties>',
      ...s.properties.map(([k, v]) => `      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`),
      '    </properties>',
      ...s.cases.map(renderCase),
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** JUnit XML of one `run`: one suite named `<scenario> (<strategy>)`. */
export function runJUnit(report: RunReport, reportPath?: string): string {
  return renderSuites([runSuite(report, `${report.scenario} (${String(report.options['strategy'] ?? 'external')})`, false, reportPath)]);
}

/**
 * JUnit XML of a `compare`: one suite per run, named `<scenario> <label>` (plus `round N` with
 * --repeat). A strategy not declared safe is expected to fail its checks, so its failed checks are
 * passing cases marked `[unsafe strategy: failure expected]`, as they do not fail the exit code;
 * its thresholds are judged like any other.
 */
export function compareJUnit(result: CompareResult): string {
  return renderSuites(
    result.runs.map((r) => runSuite(r.report, `${result.scenario} ${r.label}${result.repeat > 1 ? ` round ${r.round}` : ''}`, !r.safe, r.paths?.markdown)),
  );
}

/**
 * JUnit XML of a command that stopped on an error before any report: one suite with one case
 * (classname `ticketbench.run`) in error, so a CI test reporter shows why instead of "no tests".
 */
export function errorJUnit(command: 'run' | 'compare', scenario: string, startedAt: string, error: { readonly code: string; readonly message: string }): string {
  const endedAt = new Date().toISOString();
  return renderSuites([
    {
      name: `${scenario} (${command})`,
      timestamp: startedAt,
      time: seconds(startedAt, endedAt),
      properties: [['scenario', scenario]],
      cases: [{ classname: 'ticketbench.run', name: `${command} ${scenario}`, error: { message: error.message, type: error.code } }],
    },
  ]);
}

/** Writes `xml` to `file` (folders created; an existing file is replaced). */
export async function writeJUnit(file: string, xml: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, xml);
}
