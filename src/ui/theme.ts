/**
 * Colours and symbols the Ink view uses for verdicts, in one place so every component agrees.
 */
import type { Verdict } from '../checks/types.ts';

/** Ink `color` per verdict: green pass, red fail, yellow unknown, gray skipped. */
export const VERDICT_COLOR: Readonly<Record<Verdict, 'green' | 'red' | 'yellow' | 'gray'>> = {
  pass: 'green',
  fail: 'red',
  unknown: 'yellow',
  skipped: 'gray',
};

/** A one-character mark per verdict, so the verdict still reads without colour. */
export const VERDICT_SYMBOL: Readonly<Record<Verdict, string>> = {
  pass: '✔',
  fail: '✘',
  unknown: '?',
  skipped: '-',
};
