/**
 * Proves generated PowerShell against PowerShell's grammar and the cmdlets' documented signatures.
 *
 * 1. Parse with tree-sitter-powershell (the grammar's WebAssembly build through web-tree-sitter: no
 *    native addon, the same on every machine). A syntax error is a violation.
 * 2. Every command must be a cmdlet in src/customerKey/cmdletSignatures.ts. Its arguments are bound
 *    the way PowerShell binds them: `-Name` (full name or alias, case-insensitive; Keyward writes no
 *    abbreviations), `-Name:value`, a switch that takes no value unless written `-Switch:$false`, and
 *    bare values to the positional parameters in order. Unknown parameters, a parameter twice, a
 *    value parameter without its value, a bare value no position takes, a switch followed by a
 *    separate `$true`/`$false`, a Boolean that is not `$true`/`$false`, no parameter set that takes
 *    the parameters together, or a missing mandatory parameter are violations.
 * 3. `literalSkeleton` gives the script with every single-quoted literal replaced by `<L>`, and the
 *    literals' values, as the parse tree has them: a hostile value that stays inside its literal
 *    leaves the skeleton unchanged.
 *
 * The grammar knows only the ASCII apostrophe as a single quote, while PowerShell also ends a
 * single-quoted string at ‘ ’ ‚ ‛ (U+2018–U+201B). So a literal holding one of those is a violation
 * here too: the grammar would keep it inside, PowerShell would not.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { COMMON_PARAMETERS, cmdletSignature, type CmdletParameter, type CmdletSignature } from '../../src/customerKey/cmdletSignatures';

export interface ScriptViolation {
  /** 1-based line of the offending command or node. */
  readonly line: number;
  readonly command: string;
  readonly message: string;
}

export interface PowerShellChecker {
  /** Every violation in `script` (empty when the script is proven). */
  check(script: string): ScriptViolation[];
  /** The script with single-quoted literals as `<L>`, and their decoded values, from the parse tree. */
  literalSkeleton(script: string): { readonly skeleton: string; readonly literals: string[] };
  /** Every command name in the script, in order. */
  commands(script: string): string[];
}

const SMART_SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B]/u;

let loading: Promise<PowerShellChecker> | undefined;

/** The checker, after loading the grammar once per process. */
export function loadPowerShellChecker(): Promise<PowerShellChecker> {
  loading ??= (async () => {
    const require = createRequire(__filename);
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    const parse = (script: string): Node => {
      const tree = parser.parse(script);
      if (!tree) throw new Error('tree-sitter returned no tree');
      return tree.rootNode;
    };
    return {
      check: (script) => checkTree(parse(script)),
      literalSkeleton: (script) => skeletonOf(parse(script), script),
      commands: (script) => commandNodes(parse(script)).map((c) => commandName(c)),
    };
  })();
  return loading;
}

function line(node: Node): number {
  return node.startPosition.row + 1;
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const child of node.children) if (child) walk(child, visit);
}

function commandNodes(root: Node): Node[] {
  const found: Node[] = [];
  walk(root, (n) => {
    if (n.type === 'command') found.push(n);
  });
  return found;
}

function commandName(command: Node): string {
  return command.childForFieldName('command_name')?.text ?? command.children.find((c) => c?.type === 'command_name')?.text ?? '';
}

/**
 * The grammar splits a parameter name that ends in digits (`-Subscription1`) into `-Subscription`
 * and a broken `1>` redirection (or an ERROR node after it). PowerShell's own tokenizer reads one
 * parameter token. Such a digit run, touching the parameter, is the parameter's tail: these nodes
 * are absorbed into the name and are not syntax errors.
 */
function parameterDigitTail(parameter: Node, next: Node | null | undefined): Node | undefined {
  if (!next || next.startIndex !== parameter.endIndex || !/^[0-9]+$/.test(next.text)) return undefined;
  if (next.type === 'ERROR') return next;
  if (next.type === 'redirection' && next.hasError) return next;
  return undefined;
}

function absorbedDigitTails(root: Node): Set<number> {
  const absorbed = new Set<number>();
  walk(root, (n) => {
    if (n.type !== 'command_elements') return;
    const children = n.children;
    children.forEach((child, i) => {
      if (child?.type !== 'command_parameter') return;
      const tail = parameterDigitTail(child, children[i + 1]);
      if (tail) walk(tail, (t) => absorbed.add(t.id));
    });
  });
  return absorbed;
}

function checkTree(root: Node): ScriptViolation[] {
  const violations: ScriptViolation[] = [];
  if (root.hasError) {
    const absorbed = absorbedDigitTails(root);
    walk(root, (n) => {
      if ((n.isError || n.isMissing) && !absorbed.has(n.id)) violations.push({ line: line(n), command: '', message: `syntax error near ${JSON.stringify(n.text.slice(0, 40))}` });
    });
  }
  walk(root, (n) => {
    if (n.type === 'verbatim_string_characters' && SMART_SINGLE_QUOTES.test(n.text.slice(1, -1))) {
      violations.push({ line: line(n), command: '', message: 'a single-quoted literal holds a typographic quote, which PowerShell reads as the end of the string' });
    }
  });
  for (const command of commandNodes(root)) violations.push(...checkCommand(command));
  return violations;
}

type Token = { readonly kind: 'parameter'; readonly name: string; readonly node: Node; readonly colonValue?: Node } | { readonly kind: 'value'; readonly node: Node };

function tokensOf(command: Node): Token[] {
  const elements = command.childForFieldName('command_elements') ?? command.children.find((c) => c?.type === 'command_elements');
  if (!elements) return [];
  const children = elements.children.filter((c): c is Node => c !== null);
  const tokens: Token[] = [];
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child.type === 'command_argument_sep') continue;
    if (child.type === 'command_parameter') {
      let name = child.text.replace(/^-/, '').replace(/:$/, '');
      const tail = parameterDigitTail(child, children[i + 1]);
      if (tail) {
        name += tail.text;
        i++;
      }
      const sep = children[i + 1];
      if (sep?.type === 'command_argument_sep' && sep.text.trim() === ':' && children[i + 2]) {
        tokens.push({ kind: 'parameter', name, node: child, colonValue: children[i + 2] });
        i += 2;
      } else {
        tokens.push({ kind: 'parameter', name, node: child });
      }
    } else {
      tokens.push({ kind: 'value', node: child });
    }
  }
  return tokens;
}

function findParameter(signature: CmdletSignature, name: string): CmdletParameter | undefined {
  const wanted = name.toLowerCase();
  const all = signature.commonParameters ? [...signature.parameters, ...COMMON_PARAMETERS] : signature.parameters;
  return all.find((p) => p.name.toLowerCase() === wanted || (p.aliases ?? []).some((a) => a.toLowerCase() === wanted));
}

const BOOLEAN_LITERAL = /^\$(true|false)$/i;

function checkCommand(command: Node): ScriptViolation[] {
  const name = commandName(command);
  const at = line(command);
  const problems: ScriptViolation[] = [];
  const fail = (message: string, node: Node = command) => problems.push({ line: line(node), command: name, message });
  const signature = cmdletSignature(name);
  if (!signature) {
    fail(`${name} is not in Keyward's cmdlet signature table (src/customerKey/cmdletSignatures.ts); transcribe it from its Microsoft page first`);
    return problems;
  }
  if (signature.name !== name) fail(`write the cmdlet as ${signature.name}`);
  const bound = new Map<string, CmdletParameter>();
  const positional: Node[] = [];
  const tokens = tokensOf(command);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'value') {
      positional.push(token.node);
      continue;
    }
    const parameter = findParameter(signature, token.name);
    if (!parameter) {
      fail(`-${token.name} is not a parameter of ${signature.name} (${signature.source})`, token.node);
      continue;
    }
    if (bound.has(parameter.name)) fail(`-${parameter.name} is given twice`, token.node);
    bound.set(parameter.name, parameter);
    if (parameter.name !== token.name && !(parameter.aliases ?? []).includes(token.name)) {
      // Same parameter, other letter case: PowerShell accepts it, but Keyward writes the page's spelling.
      fail(`write -${parameter.name} as the page spells it, not -${token.name}`, token.node);
    }
    if (parameter.type === 'switch') {
      if (token.colonValue) {
        if (!BOOLEAN_LITERAL.test(token.colonValue.text.trim())) fail(`switch -${parameter.name} takes only -${parameter.name}:$true or -${parameter.name}:$false`, token.node);
        continue;
      }
      const next = tokens[i + 1];
      if (next?.kind === 'value' && BOOLEAN_LITERAL.test(next.node.text.trim())) {
        fail(
          `-${parameter.name} is a switch: a separate ${next.node.text.trim()} does not set it but binds as a positional argument${positionalTarget(signature, bound)}. Write -${parameter.name}:${next.node.text.trim()}`,
          token.node,
        );
      }
      continue;
    }
    const value = token.colonValue ?? (tokens[i + 1]?.kind === 'value' ? tokens[++i]!.node : undefined);
    if (!value) {
      fail(`-${parameter.name} needs a value (${parameter.type})`, token.node);
      continue;
    }
    if (parameter.type === 'Boolean' && !BOOLEAN_LITERAL.test(value.text.trim())) fail(`-${parameter.name} is a Boolean: give $true or $false`, value);
  }
  // Bare values go to the positional parameters not yet bound, in position order.
  const free = [...signature.parameters].filter((p) => p.position !== undefined && !bound.has(p.name)).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  for (const node of positional) {
    const target = free.find((p) => bound.get(p.name) === undefined && setsOverlap(signature, p, bound));
    if (!target) {
      fail(`${JSON.stringify(node.text.slice(0, 40))} is a bare value, but no positional parameter of ${signature.name} is left to take it`, node);
      continue;
    }
    bound.set(target.name, target);
  }
  problems.push(...checkParameterSets(signature, bound, name, at));
  return problems;
}

function positionalTarget(signature: CmdletSignature, bound: Map<string, CmdletParameter>): string {
  const target = [...signature.parameters].filter((p) => p.position !== undefined && !bound.has(p.name)).sort((a, b) => (a.position ?? 0) - (b.position ?? 0))[0];
  return target ? ` (to -${target.name})` : '';
}

function setsOf(signature: CmdletSignature, parameter: CmdletParameter): readonly string[] {
  return parameter.sets ?? signature.sets;
}

function setsOverlap(signature: CmdletSignature, parameter: CmdletParameter, bound: Map<string, CmdletParameter>): boolean {
  const mine = setsOf(signature, parameter);
  return [...bound.values()].every((other) => COMMON_PARAMETERS.includes(other) || setsOf(signature, other).some((s) => mine.includes(s)));
}

function isMandatoryIn(parameter: CmdletParameter, set: string, signature: CmdletSignature): boolean {
  if (!setsOf(signature, parameter).includes(set)) return false;
  if (parameter.mandatory === true) return true;
  return Array.isArray(parameter.mandatory) && parameter.mandatory.includes(set);
}

function checkParameterSets(signature: CmdletSignature, bound: Map<string, CmdletParameter>, name: string, at: number): ScriptViolation[] {
  const own = [...bound.values()].filter((p) => !COMMON_PARAMETERS.includes(p));
  const candidates = signature.sets.filter((set) => own.every((p) => setsOf(signature, p).includes(set)));
  if (candidates.length === 0) {
    return [{ line: at, command: name, message: `no parameter set of ${signature.name} takes ${own.map((p) => `-${p.name}`).join(', ')} together (${signature.source})` }];
  }
  const satisfied = candidates.filter((set) => signature.parameters.every((p) => !isMandatoryIn(p, set, signature) || bound.has(p.name)));
  if (satisfied.length > 0) return [];
  const missing = new Set<string>();
  for (const set of candidates) for (const p of signature.parameters) if (isMandatoryIn(p, set, signature) && !bound.has(p.name)) missing.add(`-${p.name}`);
  return [{ line: at, command: name, message: `mandatory parameter missing: ${[...missing].join(' or ')} (${signature.source})` }];
}

function skeletonOf(root: Node, script: string): { skeleton: string; literals: string[] } {
  const spans: Array<{ start: number; end: number; value: string }> = [];
  walk(root, (n) => {
    if (n.type === 'verbatim_string_characters') {
      spans.push({ start: n.startIndex, end: n.endIndex, value: n.text.slice(1, -1).replace(/''/g, "'") });
    }
  });
  spans.sort((a, b) => a.start - b.start);
  let skeleton = '';
  let at = 0;
  for (const span of spans) {
    skeleton += script.slice(at, span.start) + '<L>';
    at = span.end;
  }
  skeleton += script.slice(at);
  return { skeleton, literals: spans.map((s) => s.value) };
}
