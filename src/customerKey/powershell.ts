/**
 * Safe PowerShell code generation. Every value Keyward puts into a script goes through
 * `psLiteral`, which emits a single-quoted literal — the one PowerShell string form with no
 * expansion at all (no `$var`, no `$(…)`, no backtick escapes) — with the quote doubled.
 *
 * PowerShell treats four more characters as single quotes: ‘ (U+2018), ’ (U+2019), ‚ (U+201A) and
 * ‛ (U+201B). A value containing one of them could end the literal early, so they are rejected
 * rather than escaped: no valid Customer Key value needs them, and a clear error beats a script
 * whose meaning depends on a character the operator cannot see. Control characters (newlines
 * would start a new statement), Unicode format characters (bidi overrides make a script read
 * differently from how it runs) and line/paragraph separators are rejected for the same reason.
 */
import { appError, say, type Message } from '../core';

/** Characters PowerShell treats as a single quote. */
export const POWERSHELL_SINGLE_QUOTES = ["'", '\u2018', '\u2019', '\u201A', '\u201B'] as const;

const SMART_SINGLE_QUOTE = /[\u2018\u2019\u201A\u201B]/u;
// Cc: control (incl. CR, LF, NUL, NEL); Cf: format (bidi overrides, zero-width); Zl/Zp: separators.
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Why a value cannot be embedded in a script or a resource name, or null when it can.
 * The message names the character by code point so the operator can find it.
 */
export function unsafeCharacterMessage(value: string): Message | null {
  const smart = SMART_SINGLE_QUOTE.exec(value);
  if (smart) {
    const code = `U+${codePoint(smart[0])}`;
    return say(
      'name.unsafe.smartQuote',
      `contains the typographic quote ${smart[0]} (${code}), which PowerShell treats as a quote; type a plain apostrophe (') instead or remove it`,
      { character: smart[0], code },
    );
  }
  const control = INVISIBLE_OR_CONTROL.exec(value);
  if (control) {
    const code = `U+${codePoint(control[0])}`;
    return say('name.unsafe.control', `contains an invisible or control character (${code}), such as a line break or a direction override; retype the value without it`, { code });
  }
  return null;
}

function codePoint(ch: string): string {
  return (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * A PowerShell single-quoted string literal for `value`.
 * @throws AppError `ValidationFailed` if the value contains a character listed in the file comment.
 */
export function psLiteral(value: string): string {
  const problem = unsafeCharacterMessage(value);
  if (problem) throw appError('ValidationFailed', `A script value ${problem.text}.`, { reason: 'unsafeCharacter' });
  return `'${value.replace(/'/g, "''")}'`;
}

/** A comma-separated PowerShell array of single-quoted literals: `'a', 'b'`. */
export function psLiteralList(values: readonly string[]): string {
  if (values.length === 0) return '@()';
  return values.map(psLiteral).join(', ');
}

/** A value in a generated command: a literal, a list of literals, or a trusted fragment. */
export type PsArgument =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'list'; readonly values: readonly string[] }
  | { readonly kind: 'switch' }
  /** A switch set explicitly: `-Name:$false`. Never `-Name $false` (that binds $false positionally). */
  | { readonly kind: 'switchValue'; readonly value: boolean }
  /** Code written by Keyward itself (a `$Variable` name or `$true`), never user input. */
  | { readonly kind: 'code'; readonly code: string };

export const lit = (value: string): PsArgument => ({ kind: 'literal', value });
export const litList = (values: readonly string[]): PsArgument => ({ kind: 'list', values });
export const psSwitch: PsArgument = { kind: 'switch' };
export const psSwitchValue = (value: boolean): PsArgument => ({ kind: 'switchValue', value });
export const psCode = (code: string): PsArgument => ({ kind: 'code', code });

const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9]*-[A-Za-z][A-Za-z0-9]*$/;
const VARIABLE_OR_CONSTANT = /^(\$(?:_|[A-Za-z][A-Za-z0-9_]*)(\.[A-Za-z][A-Za-z0-9_]*)*|\$true|\$false|\$null|[0-9]+)$/;

/**
 * Renders `Verb-Noun -Param <arg> …`. Command and parameter names are checked against strict
 * patterns and `code` arguments must be a variable, `$true`/`$false`/`$null` or an integer, so
 * nothing from outside can become code even through a programming mistake here.
 */
export function psCommand(name: string, args: ReadonlyArray<readonly [string, PsArgument]>): string {
  if (!COMMAND_NAME.test(name)) throw appError('Internal', `Invalid PowerShell command name: ${name}`);
  const parts = [name];
  for (const [param, arg] of args) {
    if (!PARAMETER_NAME.test(param)) throw appError('Internal', `Invalid PowerShell parameter name: ${param}`);
    switch (arg.kind) {
      case 'switch':
        parts.push(`-${param}`);
        break;
      case 'switchValue':
        parts.push(`-${param}:${arg.value ? '$true' : '$false'}`);
        break;
      case 'literal':
        parts.push(`-${param}`, psLiteral(arg.value));
        break;
      case 'list':
        parts.push(`-${param}`, psLiteralList(arg.values));
        break;
      case 'code':
        if (!VARIABLE_OR_CONSTANT.test(arg.code)) throw appError('Internal', `Unsafe PowerShell code fragment: ${arg.code}`);
        parts.push(`-${param}`, arg.code);
        break;
    }
  }
  return parts.join(' ');
}

/** `$Name = 'value'` (or a list), for the parameter block at the top of generated scripts. */
export function psAssign(variable: string, value: string | readonly string[]): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(variable)) throw appError('Internal', `Invalid PowerShell variable name: ${variable}`);
  const rendered = typeof value === 'string' ? psLiteral(value) : `@(${psLiteralList(value)})`;
  return `$${variable} = ${rendered}`;
}
