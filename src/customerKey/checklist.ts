/**
 * Checklist lines: the red/green output of preflight, readiness and teardown checks. Every line
 * that is not green says what was found, and every red line carries a concrete fix.
 */
import { say, type Message } from '../core';
import type { CommandSnippet, DocLink } from './facts';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'unknown';

/** How to fix a line: one sentence, optionally commands to copy and pages to read. */
export interface Fix {
  readonly text: Message;
  readonly commands?: readonly CommandSnippet[];
  readonly links?: readonly DocLink[];
}

export interface ChecklistLine {
  /** Stable id, e.g. `subscription:A`, `name:vault:A:exchange`, `key:A:exchange:expiry`. */
  readonly id: string;
  readonly status: CheckStatus;
  /** What is checked, in a few words ("Subscription A is Enabled"). */
  readonly title: Message;
  /** What was found, in one or two sentences. */
  readonly detail: Message;
  /** Present on every `fail` line, and on `warn`/`unknown` lines where there is something to do. */
  readonly fix?: Fix;
}

/**
 * A value the caller observed, or why it could not: lookups fail (403, 404, throttling), and a
 * failed lookup must show as `unknown` with the reason, never as a pass.
 */
export type Observed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: { readonly code?: string; readonly message: string } };

export interface ChecklistSummary {
  readonly pass: number;
  readonly fail: number;
  readonly warn: number;
  readonly unknown: number;
  /** No red and no unknown lines: safe to ask for approval / to call the setup ready. */
  readonly ready: boolean;
}

export function summarizeChecklist(lines: readonly ChecklistLine[]): ChecklistSummary {
  const count = (s: CheckStatus) => lines.filter((l) => l.status === s).length;
  const fail = count('fail');
  const unknown = count('unknown');
  return { pass: count('pass'), fail, warn: count('warn'), unknown, ready: fail === 0 && unknown === 0 };
}

/** The `unknown` line for a lookup that failed. */
export function unknownLine(id: string, title: Message, error: { code?: string; message: string }, fix?: Fix): ChecklistLine {
  const detail = error.code
    ? say('check.couldNotCheckCode', `Keyward could not check this: ${error.message} (${error.code}).`, { error: error.message, code: error.code })
    : say('check.couldNotCheck', `Keyward could not check this: ${error.message}.`, { error: error.message });
  return fix ? { id, status: 'unknown', title, detail, fix } : { id, status: 'unknown', title, detail };
}

/** The `unknown` line for something the caller did not observe at all. */
export function notObservedLine(id: string, title: Message): ChecklistLine {
  return { id, status: 'unknown', title, detail: say('check.notChecked', 'Not checked yet.'), fix: { text: say('check.runAgain', 'Run the check again.') } };
}
