/**
 * A tiny PowerShell lexer for tests: enough of the language to find every single-quoted literal
 * the way PowerShell does (all five single-quote characters, doubled quotes), and to tell code
 * from comments and double-quoted strings. Used to prove that generated scripts have the same code
 * whatever the values are.
 */
const SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);

export interface LexedScript {
  /** The script with every single-quoted literal replaced by `<L>`. */
  readonly skeleton: string;
  /** The decoded values of the literals, in order. */
  readonly literals: string[];
}

export function lexPowerShell(script: string): LexedScript {
  let skeleton = '';
  const literals: string[] = [];
  let i = 0;
  while (i < script.length) {
    const ch = script[i] ?? '';
    if (ch === '#') {
      // A comment runs to the end of the line.
      const end = script.indexOf('\n', i);
      const stop = end === -1 ? script.length : end;
      skeleton += script.slice(i, stop);
      i = stop;
    } else if (ch === '"') {
      // Keyward's own double-quoted strings hold no quotes; copy them verbatim.
      const end = script.indexOf('"', i + 1);
      if (end === -1) throw new Error('unterminated double-quoted string');
      skeleton += script.slice(i, end + 1);
      i = end + 1;
    } else if (SINGLE_QUOTES.has(ch)) {
      let value = '';
      i++;
      for (;;) {
        if (i >= script.length) throw new Error('unterminated single-quoted string');
        const c = script[i] ?? '';
        if (SINGLE_QUOTES.has(c)) {
          const next = script[i + 1] ?? '';
          if (!SINGLE_QUOTES.has(next)) {
            i++;
            break;
          }
          // PowerShell keeps the second quote of a doubled pair.
          value += next;
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      literals.push(value);
      skeleton += '<L>';
    } else {
      skeleton += ch;
      i++;
    }
  }
  return { skeleton, literals };
}
