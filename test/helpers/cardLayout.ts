import type { AdaptiveCardJson } from '../../src/bot/cards/adaptiveCard';
import type { CardLayout } from '../../scripts/cards/renderPage';

/** The same card with every "details" container open (isVisible true everywhere). */
export function expandAllDetails(card: AdaptiveCardJson): AdaptiveCardJson {
  const open = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(open);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) out[key] = key === 'isVisible' ? true : open(value);
      return out;
    }
    return node;
  };
  return open(card) as AdaptiveCardJson;
}

/** The layout checks as sentences, one per problem (empty: the card is fine at this width). */
export function layoutProblems(name: string, layout: CardLayout): string[] {
  return [
    ...layout.errors.map((error) => `${name}: renderer error ${error}`),
    ...layout.clipped.map((c) => `${name}: clipped "${c.text}" (${c.scrollWidth} px in ${c.clientWidth} px)`),
    ...layout.brokenWords.map((b) => `${name}: "${b.word}" broken inside the word in "${b.context}"`),
  ];
}
