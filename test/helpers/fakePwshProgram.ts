/**
 * A stand-in for `pwsh` (PowerShell 7) on machines without it: the program that
 * test/helpers/fakePwsh.ts installs first on the PATH. It understands the small part of the
 * language Keyward's DEP scripts use (assignments, `if`, `throw`, `exit`, cmdlets with literal
 * parameters, `| Format-List`, `| Format-Table`, `| ForEach-Object { }`, `| Where-Object { }`,
 * `@( )` and `+` of arrays, `.Count`, `Write-Output "…"`) and fakes the Exchange Online and onboarding
 * cmdlets, keeping their state in $FAKE_PWSH_HOME. Anything else is refused loudly (exit 99), so a
 * script the fake does not understand fails the test instead of passing by accident.
 *
 * What it must get right is how the real CLI runs a script, per about_Pwsh
 * (https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_pwsh):
 * - `-Command -`: the text from standard input runs one statement at a time "as though typed at the
 *   prompt": a `throw` or a stopping error ends only that statement, the next one still runs, and
 *   the exit code is 0 or 1 from `$?` of the last statement.
 * - `-File <path>`: a script-terminating error (a `throw`, or any error while
 *   `$ErrorActionPreference = 'Stop'`) stops the whole script with exit code 1; a normal end is 0;
 *   `exit N` gives N. A missing file gives exit code 64.
 * - `$ErrorActionPreference` applies to non-terminating and statement-terminating errors (a command
 *   that does not exist); `-ErrorAction SilentlyContinue` hides a cmdlet's non-terminating error.
 */
import fs from 'node:fs';
import path from 'node:path';

type Value = unknown;

interface FakeConfig {
  /** What New-CustomerKeyOnboardingRequest reports. */
  validationResult: 'Success' | 'Failed';
  /** Licensed user mailboxes (SKUAssigned $true). */
  mailboxes: string[];
  /** User mailboxes without a licence (SKUAssigned $false). */
  unlicensed: string[];
  /** Shared mailboxes (no licence of their own). */
  shared: string[];
  /** A cmdlet that fails with a non-terminating error (a stopping one under $ErrorActionPreference = 'Stop'). */
  failCmdlet?: string;
  version: string;
}

interface FakeState {
  policies: Record<string, { name: string; keys: string[]; kind: 'exchange' | 'multiWorkload' }>;
  assignment: string | null;
}

export interface FakePwshCall {
  argv: string[];
  mode: 'command' | 'file' | 'other';
  /** For -File: the script file's permission bits (e.g. 0o600) when pwsh opened it. */
  fileMode?: number;
  file?: string;
  /** Every cmdlet that ran, with its parameters. */
  cmdlets: Array<{ name: string; params: Record<string, Value> }>;
  exitCode?: number;
}

const home = process.env.FAKE_PWSH_HOME ?? '';
const configFile = path.join(home, 'config.json');
const stateFile = path.join(home, 'state.json');
const journalFile = path.join(home, 'calls.jsonl');

class ScriptTerminating extends Error {}
class StatementTerminating extends Error {}
class NonTerminating extends Error {}
class ExitRequest extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
class Unsupported extends Error {}

const config: FakeConfig = {
  validationResult: 'Success',
  mailboxes: ['adele@contoso.com', 'ben@contoso.com'],
  unlicensed: [],
  shared: [],
  version: '7.4.6',
  ...(fs.existsSync(configFile) ? (JSON.parse(fs.readFileSync(configFile, 'utf8')) as Partial<FakeConfig>) : {}),
};
const state: FakeState = fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as FakeState) : { policies: {}, assignment: null };
const call: FakePwshCall = { argv: process.argv.slice(2), mode: 'other', cmdlets: [] };
const variables = new Map<string, Value>([
  ['erroractionpreference', 'Continue'],
  ['psversiontable', { PSVersion: config.version }],
]);

function finish(code: number): never {
  call.exitCode = code;
  fs.writeFileSync(stateFile, JSON.stringify(state));
  fs.appendFileSync(journalFile, `${JSON.stringify(call)}\n`);
  process.exit(code);
}

// ------------------------------------------------------------------ splitting text into statements

/** Top-level statements: split at newlines and `;` outside quotes, parentheses and braces; comments dropped. */
function statements(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quote) {
      current += ch;
      if (ch === quote) {
        if (text[i + 1] === quote) current += text[++i];
        else quote = null;
      }
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    if (ch === '#' && (current.trim() === '' || /\s$/.test(current))) {
      while (i < text.length && text[i] !== '\n') i += 1;
      i -= 1;
      continue;
    }
    if (ch === '{' || ch === '(') depth += 1;
    if (ch === '}' || ch === ')') depth -= 1;
    if ((ch === '\n' || ch === ';') && depth === 0) {
      if (current.trim()) out.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** Splits at a top-level separator (`|`, `,`) outside quotes and brackets. */
function splitTop(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quote) {
      current += ch;
      if (ch === quote) {
        if (text[i + 1] === quote) current += text[++i];
        else quote = null;
      }
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    if ('({['.includes(ch)) depth += 1;
    if (')}]'.includes(ch)) depth -= 1;
    if (ch === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current.trim());
  return parts;
}

/** The index of the bracket closing the one at `open`. */
function closing(text: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const want = pairs[text[open]!]!;
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = text[i + 1] === quote ? (i++, quote) : null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === text[open]) depth += 1;
    else if (ch === want && --depth === 0) return i;
  }
  throw new Unsupported(`unbalanced ${text[open]} in: ${text}`);
}

// ------------------------------------------------------------------ values and expressions

function literal(text: string): string | undefined {
  const m = /^'((?:[^']|'')*)'$/s.exec(text);
  return m ? m[1]!.replace(/''/g, "'") : undefined;
}

function lookup(reference: string, scope: Map<string, Value>): Value {
  const [name, ...props] = reference.slice(1).split('.');
  const lower = name!.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  let value: Value = scope.has(lower) ? scope.get(lower) : variables.get(lower);
  for (const prop of props)
    value = Array.isArray(value) && prop.toLowerCase() === 'count' ? value.length : value && typeof value === 'object' ? (value as Record<string, Value>)[prop] : undefined;
  return value;
}

function expand(text: string, scope: Map<string, Value>): string {
  return text.replace(/\$\((\$[A-Za-z_][\w.]*)\)|(\$[A-Za-z_][\w.]*)/g, (_m, inner: string | undefined, plain: string | undefined) =>
    String(lookup((inner ?? plain)!, scope) ?? ''),
  );
}

function truthy(value: Value): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function asArray(value: Value): Value[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

function evaluate(expression: string, scope: Map<string, Value>): Value {
  const text = expression.trim();
  // `@(…) + @(…)`: array concatenation (checked first: a comparison inside a script block must not split here).
  const sum = splitTop(text, '+');
  if (sum.length > 1) return sum.flatMap((part) => asArray(evaluate(part, scope)));
  if (text.startsWith('@(') && closing(text, 1) === text.length - 1) return asArray(runPipeline(text.slice(2, -1), scope));
  const comparison = /^(.+?)\s+-(eq|ne|lt|ge)\s+(.+)$/is.exec(text);
  if (comparison) {
    const left = evaluate(comparison[1]!, scope);
    const right = evaluate(comparison[3]!, scope);
    const op = comparison[2]!.toLowerCase();
    if (op === 'lt' || op === 'ge') {
      const d = compareVersions(String(left), String(right));
      return op === 'lt' ? d < 0 : d >= 0;
    }
    const equal = String(left ?? '').toLowerCase() === String(right ?? '').toLowerCase();
    return op === 'eq' ? equal : !equal;
  }
  const not = /^-not\s+(.+)$/is.exec(text);
  if (not) return !truthy(evaluate(not[1]!, scope));
  if (text.startsWith('(') && closing(text, 0) === text.length - 1) return runPipeline(text.slice(1, -1), scope);
  const asLiteral = literal(text);
  if (asLiteral !== undefined) return asLiteral;
  const version = /^\[version\]\s*('(?:[^']|'')*')$/i.exec(text);
  if (version) return literal(version[1]!);
  if (/^"[^"]*"$/.test(text)) return expand(text.slice(1, -1), scope);
  if (/^\$[A-Za-z_][\w.]*$/.test(text)) return lookup(text, scope);
  if (/^\d+$/.test(text)) return Number(text);
  if (/^[A-Za-z]+-[A-Za-z0-9]+/.test(text)) return runPipeline(text, scope);
  if (/^[A-Za-z][\w.]*$/.test(text)) return text; // a bare word argument, e.g. -ResultSize Unlimited
  const list = splitTop(text, ',');
  if (list.length > 1) return list.map((item) => evaluate(item, scope));
  throw new Unsupported(`expression: ${text}`);
}

// ------------------------------------------------------------------ commands

function parameters(text: string, scope: Map<string, Value>): Record<string, Value> {
  const params: Record<string, Value> = {};
  // -Name value pairs; a value runs until the next top-level " -Name".
  // `-Switch:$false` (the colon form) is one part: name and value joined by the colon.
  const parts = text.split(/\s+(?=-[A-Za-z][A-Za-z0-9]*(?:\s|:|$))/);
  for (const [index, part] of parts.entries()) {
    if (index === 0 && !part.trim().startsWith('-')) {
      params.Positional = evaluate(part, scope); // e.g. Import-Module CustomerKeyOnboarding
      continue;
    }
    const m = /^-([A-Za-z][A-Za-z0-9]*)(?::(\S+)|\s+(.*))?$/s.exec(part.trim());
    if (!m) throw new Unsupported(`parameter: ${part}`);
    const value = m[2] ?? m[3];
    params[m[1]!] = value === undefined ? true : evaluate(value, scope);
  }
  return params;
}

function policyObject(name: string): Record<string, Value> {
  const policy = state.policies[name.toLowerCase()]!;
  return { Name: policy.name, AzureKeyIDs: policy.keys, Enabled: true, kind: policy.kind };
}

function formatList(items: Value): string {
  const list = Array.isArray(items) ? items : [items];
  return list
    .filter((item) => item && typeof item === 'object')
    .map((item) => {
      const entries = Object.entries(item as Record<string, Value>).filter(([key]) => key !== 'kind');
      const width = Math.max(...entries.map(([key]) => key.length));
      return entries
        .map(
          ([key, value]) =>
            `${key.padEnd(width)} : ${Array.isArray(value) ? `{${value.join(', ')}}` : typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value ?? '')}`,
        )
        .join('\n');
    })
    .join('\n\n');
}

function cmdlet(name: string, params: Record<string, Value>): Value {
  call.cmdlets.push({ name, params });
  const lower = name.toLowerCase();
  if (config.failCmdlet && lower === config.failCmdlet.toLowerCase()) throw new NonTerminating(`${name} failed (the test configured it to).`);
  const notFound = (what: string) => {
    throw new NonTerminating(`The operation couldn't be performed because object '${what}' couldn't be found.`);
  };
  switch (lower) {
    case 'import-module':
    case 'connect-exchangeonline':
      return undefined;
    case 'new-customerkeyonboardingrequest':
      return { ValidationResult: config.validationResult, FailedValidations: config.validationResult === 'Success' ? '' : 'KeyVaultRecoverySettingsCheck' };
    case 'get-dataencryptionpolicy':
    case 'get-m365dataatrestencryptionpolicy': {
      const id = String(params.Identity ?? '');
      if (!state.policies[id.toLowerCase()]) return notFound(id);
      return policyObject(id);
    }
    case 'new-dataencryptionpolicy':
    case 'new-m365dataatrestencryptionpolicy': {
      const policyName = String(params.Name);
      if (state.policies[policyName.toLowerCase()]) throw new NonTerminating(`A policy named ${policyName} already exists.`);
      state.policies[policyName.toLowerCase()] = {
        name: policyName,
        keys: ([] as Value[]).concat(params.AzureKeyIDs).map(String),
        kind: lower.includes('m365') ? 'multiWorkload' : 'exchange',
      };
      return policyObject(policyName);
    }
    case 'set-m365dataatrestencryptionpolicyassignment':
      state.assignment = String(params.DataEncryptionPolicy);
      return undefined;
    case 'get-m365dataatrestencryptionpolicyassignment':
      return state.assignment ? { DataEncryptionPolicy: state.assignment } : undefined;
    case 'get-exomailbox':
      return config.mailboxes.map((address) => ({ PrimarySmtpAddress: address }));
    case 'get-mailbox': {
      const type = String(params.RecipientTypeDetails ?? '');
      const users = [
        ...config.mailboxes.map((a) => ({ PrimarySmtpAddress: a, RecipientTypeDetails: 'UserMailbox', SKUAssigned: true })),
        ...config.unlicensed.map((a) => ({ PrimarySmtpAddress: a, RecipientTypeDetails: 'UserMailbox', SKUAssigned: false })),
      ];
      const shared = config.shared.map((a) => ({ PrimarySmtpAddress: a, RecipientTypeDetails: 'SharedMailbox', SKUAssigned: false }));
      return type === 'UserMailbox' ? users : type === 'SharedMailbox' ? shared : [...users, ...shared];
    }
    case 'set-mailbox':
      return undefined;
    default:
      throw new StatementTerminating(`The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.`);
  }
}

/** Runs `cmdlet -Params`, honouring -ErrorAction and $ErrorActionPreference for its errors. */
function command(text: string, scope: Map<string, Value>, input?: Value): Value {
  const m = /^([A-Za-z]+-[A-Za-z0-9]+)(?:\s+(.*))?$/s.exec(text.trim());
  if (!m) return evaluate(text, scope);
  const name = m[1]!;
  if (name.toLowerCase() === 'format-list') {
    process.stdout.write(`\n${formatList(input)}\n\n`);
    return undefined;
  }
  if (name.toLowerCase() === 'where-object') {
    const body = m[2]!.trim();
    if (!body.startsWith('{') || closing(body, 0) !== body.length - 1) throw new Unsupported(`Where-Object ${body}`);
    return asArray(input).filter((item) => {
      const inner = new Map(scope);
      inner.set('_', item);
      return truthy(evaluate(body.slice(1, -1), inner));
    });
  }
  if (name.toLowerCase() === 'format-table') {
    const rows = asArray(input).filter((item) => item && typeof item === 'object') as Array<Record<string, Value>>;
    process.stdout.write(
      `\n${rows
        .map((row) =>
          Object.entries(row)
            .map(([, v]) => String(v))
            .join(' '),
        )
        .join('\n')}\n\n`,
    );
    return undefined;
  }
  if (name.toLowerCase() === 'write-output') {
    call.cmdlets.push({ name, params: {} });
    process.stdout.write(`${String(evaluate(m[2] ?? "''", scope))}\n`);
    return undefined;
  }
  if (name.toLowerCase() === 'foreach-object') {
    const body = m[2]!.trim();
    if (!body.startsWith('{') || closing(body, 0) !== body.length - 1) throw new Unsupported(`ForEach-Object ${body}`);
    for (const item of asArray(input)) {
      const inner = new Map(scope);
      inner.set('_', item);
      for (const statement of statements(body.slice(1, -1))) execute(statement, inner);
    }
    return undefined;
  }
  const params = m[2] ? parameters(m[2], scope) : {};
  const errorAction = String(params.ErrorAction ?? variables.get('erroractionpreference')).toLowerCase();
  delete params.ErrorAction;
  try {
    return cmdlet(name, params);
  } catch (error) {
    if (error instanceof NonTerminating) {
      if (errorAction === 'silentlycontinue' || errorAction === 'ignore') return undefined;
      if (errorAction === 'stop') throw new ScriptTerminating(error.message);
      process.stderr.write(`${name}: ${error.message}\n`);
      lastStatementFailed = true;
      return undefined;
    }
    throw error;
  }
}

function runPipeline(text: string, scope: Map<string, Value>): Value {
  const stages = splitTop(text, '|');
  let value: Value = command(stages[0]!, scope);
  for (const stage of stages.slice(1)) value = command(stage, scope, value);
  return value;
}

let lastStatementFailed = false;

function execute(statement: string, scope: Map<string, Value>): void {
  const assignment = /^\$([A-Za-z_]\w*)\s*=\s*(.+)$/s.exec(statement);
  if (assignment) {
    const value = evaluate(assignment[2]!, scope);
    variables.set(assignment[1]!.toLowerCase(), value);
    return;
  }
  if (/^if\s*\(/i.test(statement)) {
    const open = statement.indexOf('(');
    const close = closing(statement, open);
    const rest = statement.slice(close + 1).trim();
    if (!rest.startsWith('{') || closing(rest, 0) !== rest.length - 1) throw new Unsupported(`if: ${statement}`);
    if (truthy(evaluate(statement.slice(open + 1, close), scope))) {
      for (const inner of statements(rest.slice(1, -1))) execute(inner, scope);
    }
    return;
  }
  const thrown = /^throw\s+(.+)$/is.exec(statement);
  if (thrown) throw new ScriptTerminating(String(evaluate(thrown[1]!, scope)));
  const exit = /^exit(?:\s+(\d+))?$/i.exec(statement);
  if (exit) throw new ExitRequest(Number(exit[1] ?? 0));
  const output = runPipeline(statement, scope);
  if (output !== undefined && output !== null && !/\|\s*(Format-List|ForEach-Object)/i.test(statement)) process.stdout.write(`${formatList(output)}\n`);
}

/** One top-level statement; returns false when it failed ($? is $false afterwards). */
function runTopLevel(statement: string): boolean {
  lastStatementFailed = false;
  try {
    execute(statement, new Map());
  } catch (error) {
    if (error instanceof ExitRequest || error instanceof Unsupported) throw error;
    if (error instanceof StatementTerminating && String(variables.get('erroractionpreference')).toLowerCase() !== 'stop') {
      process.stderr.write(`${error.message}\n`);
      return false;
    }
    if (error instanceof ScriptTerminating || error instanceof StatementTerminating) {
      if (mode === 'file') throw error;
      // -Command -: as though typed at the prompt, a stopping error ends only this statement.
      process.stderr.write(`Exception: ${error.message}\n`);
      return false;
    }
    throw error;
  }
  return !lastStatementFailed;
}

// ------------------------------------------------------------------ the command line

const argv = process.argv.slice(2);
const lowerArgs = argv.map((a) => a.toLowerCase());
let mode: 'command' | 'file' = 'command';
let text = '';
const fileIndex = lowerArgs.findIndex((a) => a === '-file' || a === '-f');
const commandIndex = lowerArgs.findIndex((a) => a === '-command' || a === '-c');
if (fileIndex >= 0) {
  mode = 'file';
  call.mode = 'file';
  const file = argv[fileIndex + 1] ?? '';
  call.file = file;
  if (!fs.existsSync(file)) {
    process.stderr.write(
      `The argument '${file}' is not recognized as the name of a script file. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\n`,
    );
    finish(64);
  }
  call.fileMode = fs.statSync(file).mode & 0o777;
  text = fs.readFileSync(file, 'utf8');
} else if (commandIndex >= 0 && argv[commandIndex + 1] === '-') {
  call.mode = 'command';
  text = fs.readFileSync(0, 'utf8');
} else {
  process.stderr.write(`fake pwsh: unsupported command line ${argv.join(' ')}\n`);
  finish(99);
}

let exitCode = 0;
try {
  let lastOk = true;
  for (const statement of statements(text)) lastOk = runTopLevel(statement);
  // -File: a normal end is always 0. -Command: $? of the last statement.
  exitCode = mode === 'file' ? 0 : lastOk ? 0 : 1;
} catch (error) {
  if (error instanceof ExitRequest) exitCode = error.code;
  else if (error instanceof Unsupported) {
    process.stderr.write(`fake pwsh: unsupported ${error.message}\n`);
    exitCode = 99;
  } else {
    process.stderr.write(`Exception: ${(error as Error).message}\n`);
    exitCode = 1;
  }
}
finish(exitCode);
