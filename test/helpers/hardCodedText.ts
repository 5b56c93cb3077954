import { MESSAGES_EN } from '../../src/bot/i18n/messagesEn';
import { PSEUDO_CLOSE, PSEUDO_OPEN, UNTRANSLATED_CLOSE, UNTRANSLATED_OPEN } from '../../src/bot/i18n/pseudoLocale';

/**
 * Words no data value (a name, a resource, a region, a hash) is made of, but nearly every English
 * sentence and button has: left over outside the pseudo-locale's ⟦ ⟧ they mean text that did not
 * come from the catalogue.
 */
const ENGLISH_WORDS = new Set(
  'the a an and or of to is are was be been for with by from in on at as it its this that these those your you we our not no yet still only each every all any if then than when while after before until here there what which who why how do does did can cannot must may will would should has have had more less next back cancel show hide start run check done open close submit approve reject refresh resume retry running stopped failed waiting approved rejected expired cancelled step steps plan request policy setup status none nothing something someone'.split(
    ' ',
  ),
);

/** Whole English messages without placeholders ("Next", "Approve"): a hard-coded copy is caught even alone. */
const ENGLISH_MESSAGES = new Set<string>(Object.values(MESSAGES_EN).filter((m) => !m.includes('{')));

export interface TextFinding {
  card: string;
  field: string;
  text: string;
}

/** The text outside the pseudo-locale's ⟦ ⟧ and the domain's ⟪ ⟫ (nested pairs handled). */
export function outsideCatalogue(value: string): { rest: string; untranslated: number } {
  let depth = 0;
  let rest = '';
  let untranslated = 0;
  for (const ch of value) {
    if (ch === PSEUDO_OPEN || ch === UNTRANSLATED_OPEN) {
      if (ch === UNTRANSLATED_OPEN) untranslated += 1;
      depth += 1;
    } else if (ch === PSEUDO_CLOSE || ch === UNTRANSLATED_CLOSE) depth = Math.max(0, depth - 1);
    else if (depth === 0) rest += ch;
  }
  return { rest, untranslated };
}

/** Every string a person sees or hears on a card, with where it sits; code (monospace) is data. */
export function visibleStrings(card: unknown): Array<{ field: string; text: string }> {
  const out: Array<{ field: string; text: string }> = [];
  const visit = (node: unknown, path: string) => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}[${i}]`));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    const type = typeof n.type === 'string' ? n.type : '';
    const code = n.fontType === 'Monospace';
    const take = (key: string) => {
      if (typeof n[key] === 'string' && n[key] !== '') out.push({ field: `${path}.${type || 'node'}.${key}`, text: n[key] as string });
    };
    if ((type === 'TextBlock' || type === 'TextRun') && !code) take('text');
    if (type.startsWith('Input.')) ['label', 'placeholder', 'errorMessage', 'title'].forEach(take);
    if (type.startsWith('Action.')) take('title');
    if (type === 'AdaptiveCard') ['fallbackText', 'speak'].forEach(take);
    if (path.endsWith('choices') || /choices\[\d+\]$/.test(path)) take('title');
    for (const [key, value] of Object.entries(n)) if (value && typeof value === 'object') visit(value, `${path}.${key}`);
  };
  visit(card, 'card');
  return out;
}

/**
 * Text on a pseudo-locale card that did not come from the catalogue: English words or whole
 * English messages outside the ⟦ ⟧ brackets, and any prose shown as it was stored (⟪ ⟫: a plain
 * string where a message belongs). Only data may stand outside the brackets: names, ids, hashes,
 * URLs, numbers, and code (monospace: cmdlets, scripts, Azure's own error text as logged).
 */
export function hardCodedText(name: string, card: unknown): { findings: TextFinding[]; untranslated: number } {
  const findings: TextFinding[] = [];
  let untranslated = 0;
  for (const { field, text } of visibleStrings(card)) {
    const { rest, untranslated: count } = outsideCatalogue(text);
    untranslated += count;
    if (count > 0) {
      findings.push({ card: name, field, text: text.slice(0, 160) });
      continue;
    }
    const words = rest.split(/[^A-Za-z]+/).filter((w) => w.length > 0);
    const english = words.filter((w) => ENGLISH_WORDS.has(w.toLowerCase()) && /^[A-Za-z]+$/.test(w));
    // A whole token made of letters only: "kv-ck-a", "https://…" and GUIDs are data, not words.
    const tokens = rest.split(/\s+/).map((t) => t.replace(/^[("'“„«*\-–—]+|[)"'”»*.,;:!?…]+$/g, ''));
    const englishTokens = tokens.filter((t) => /^[A-Za-z]+$/.test(t) && english.includes(t));
    if (englishTokens.length > 0 || ENGLISH_MESSAGES.has(rest.trim())) findings.push({ card: name, field, text: text.slice(0, 160) });
  }
  return { findings, untranslated };
}
