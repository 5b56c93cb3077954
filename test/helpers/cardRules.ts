import * as AC from 'adaptivecards';
import { MAX_CARD_BYTES } from '../../src/bot/cards/adaptiveCard';

/**
 * The rules every Keyward card must pass, checked with the official Adaptive Cards renderer's
 * parser (npm `adaptivecards`) plus Teams and accessibility rules it does not know:
 * version ≤ 1.5, ≤ 40 KB, labelled inputs with unique ids, alt text on images, verbs on
 * Action.Execute, phone-friendly layouts (no more than 3 columns or buttons side by side, no
 * FactSet), and coloured text that still says its meaning in words.
 */
export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const json = card as Record<string, unknown>;
  if (json.type !== 'AdaptiveCard') problems.push('type must be AdaptiveCard');
  const version = Number(json.version);
  if (!(version >= 1.4 && version <= 1.5)) problems.push(`version ${String(json.version)} is outside 1.4–1.5 (Teams renders ≤ 1.5; Action.Execute needs ≥ 1.4)`);
  const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (bytes > MAX_CARD_BYTES) problems.push(`card is ${bytes} bytes, over ${MAX_CARD_BYTES}`);

  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(json, context);
  for (let i = 0; i < context.eventCount; i += 1) problems.push(`renderer: ${context.getEventAt(i).message}`);
  const validation = parsed.validateProperties() as unknown as { validationEvents?: Array<{ message: string }> };
  for (const event of validation.validationEvents ?? []) problems.push(`renderer: ${event.message}`);

  const ids = new Set<string>();
  walk(json, (node) => {
    const type = typeof node.type === 'string' ? node.type : '';
    if (type.startsWith('Input.')) {
      if (typeof node.label !== 'string' || node.label.trim() === '') problems.push(`${type} "${String(node.id)}" has no label`);
      if (typeof node.id !== 'string' || node.id === '') problems.push(`${type} has no id`);
      else if (ids.has(node.id)) problems.push(`input id "${node.id}" is used twice`);
      else ids.add(node.id);
    }
    if (type === 'Image' && (typeof node.altText !== 'string' || node.altText.trim() === '')) problems.push('Image without altText');
    if (type === 'Action.Execute' && (typeof node.verb !== 'string' || !node.verb || typeof node.title !== 'string' || !node.title))
      problems.push('Action.Execute without verb or title');
    if (type === 'ColumnSet' && Array.isArray(node.columns) && node.columns.length > 3) problems.push(`ColumnSet with ${node.columns.length} columns is too wide for a phone`);
    if (type === 'TextBlock' && node.color !== undefined && (typeof node.text !== 'string' || node.text.trim().length < 2)) problems.push('coloured TextBlock without words');
    if (type === 'Table') problems.push('Table elements are too wide for a phone; use facts() lines or text');
    // A FactSet's title column shrinks on a phone and breaks words inside their letters (it broke
    // "Premium" and "Requested"); facts() draws "**Title:** value" lines instead.
    if (type === 'FactSet') problems.push('FactSet breaks words on a phone; use facts() lines');
    if ((type === 'ActionSet' || type === 'AdaptiveCard') && Array.isArray(node.actions) && node.actions.length > 3)
      problems.push(`${node.actions.length} buttons side by side do not fit a phone (at most 3)`);
  });
  return problems;
}

export function assertValidCard(card: unknown, name = 'card'): void {
  const problems = cardProblems(card);
  if (problems.length > 0) throw new Error(`${name} breaks the card rules:\n  - ${problems.join('\n  - ')}`);
}

function walk(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    visit(record);
    for (const value of Object.values(record)) walk(value, visit);
  }
}
