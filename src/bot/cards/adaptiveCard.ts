/**
 * Minimal typed building blocks for Adaptive Cards (schema 1.5, the highest Teams renders for
 * bots). Renderers are pure functions returning plain JSON; these helpers keep them short and
 * make the accessibility rules hard to forget (inputs always carry a label, images an altText,
 * status always has words, never colour alone).
 */
import type { Localizer } from '../i18n/localizer';

export type CardElement = Record<string, unknown> & { type: string };
export type CardAction = Record<string, unknown> & { type: string };

export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardAction[];
  refresh?: Record<string, unknown>;
  msteams?: Record<string, unknown>;
  fallbackText?: string;
  speak?: string;
}

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Teams renders at most schema 1.5 for bot-sent cards. */
export const CARD_VERSION = '1.5' as const;
/** Our own ceiling: Microsoft's limit is ~100 KB but older docs say 40 KB; stay below that. */
export const MAX_CARD_BYTES = 40 * 1024;

/**
 * Identity of the thing a card acts on, carried in every action's data so a click on an old card
 * can be recognised and answered with the current state instead of acting on stale data.
 */
export interface CardRef {
  kind: string;
  id: string;
  version: number;
}

export function card(body: CardElement[], options: { actions?: CardAction[]; fallbackText?: string; speak?: string } = {}): AdaptiveCardJson {
  const result: AdaptiveCardJson = {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA,
    version: CARD_VERSION,
    body,
    msteams: { width: 'Full' },
  };
  if (options.actions && options.actions.length > 0) result.actions = options.actions;
  if (options.fallbackText) result.fallbackText = options.fallbackText;
  const speak = options.speak ?? spokenSummary(body);
  if (speak) result.speak = speak;
  return result;
}

/**
 * What a screen reader or voice client says for the card: its heading and the first status
 * notice, as plain text (no Markdown, no emoji), unless the renderer gives its own.
 */
export function spokenSummary(body: readonly CardElement[]): string | undefined {
  const texts: string[] = [];
  const visit = (elements: readonly CardElement[]) => {
    for (const element of elements) {
      if (texts.length >= 2) return;
      if (element.type === 'TextBlock' && (element.style === 'heading' || element.color !== undefined) && typeof element.text === 'string') texts.push(element.text);
      if (element.type === 'Container' && Array.isArray(element.items) && element.isVisible !== false) visit(element.items as CardElement[]);
    }
  };
  visit(body);
  const plain = texts.map(plainText).filter((t) => t !== '');
  return plain.length > 0 ? plain.join('. ').replace(/\.\./g, '.') : undefined;
}

/** Markdown and emoji off, for speech. */
export function plainText(value: string): string {
  return value
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|(^|\s)\*|\*(\s|$)/g, '$1$2')
    .replace(/[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}]|\u{FE0F}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function heading(text: string, size: 'Medium' | 'Large' = 'Large'): CardElement {
  return { type: 'TextBlock', text, size, weight: 'Bolder', wrap: true, style: 'heading' };
}

export function text(
  value: string,
  options: {
    subtle?: boolean;
    size?: 'Small' | 'Default' | 'Medium';
    weight?: 'Bolder';
    color?: 'Good' | 'Warning' | 'Attention' | 'Accent';
    spacing?: 'Small' | 'Medium' | 'Large' | 'None';
    separator?: boolean;
  } = {},
): CardElement {
  const element: CardElement = { type: 'TextBlock', text: value, wrap: true };
  if (options.subtle) element.isSubtle = true;
  if (options.size) element.size = options.size;
  if (options.weight) element.weight = options.weight;
  if (options.color) element.color = options.color;
  if (options.spacing) element.spacing = options.spacing;
  if (options.separator) element.separator = true;
  return element;
}

/**
 * Facts as lines ("**Title:** value"), not a FactSet: a FactSet's title column shrinks on a phone
 * and breaks words inside their letters ("Requ-ested", "Prem-ium"); lines wrap between words.
 */
export function facts(l: Localizer, pairs: Array<[string, string]>): CardElement {
  return { type: 'Container', items: pairs.map(([title, value], i) => text(l.t('common.fact', { title, value }), i === 0 ? {} : { spacing: 'Small' })) };
}

export function container(
  items: CardElement[],
  options: { style?: 'emphasis' | 'good' | 'attention' | 'warning' | 'accent'; separator?: boolean; spacing?: 'Small' | 'Medium' | 'Large'; id?: string } = {},
): CardElement {
  const element: CardElement = { type: 'Container', items };
  if (options.style) element.style = options.style;
  if (options.separator) element.separator = true;
  if (options.spacing) element.spacing = options.spacing;
  if (options.id) element.id = options.id;
  return element;
}

export type NoticeKind = 'error' | 'warning' | 'info' | 'success';

/**
 * An error, warning or status line: words first ("Problem:", "Warning:" in the card's language),
 * colour only as a second cue. `id` ties a field's message to its input (`<input id>.error`).
 */
export function notice(l: Localizer, kind: NoticeKind, message: string, options: { id?: string } = {}): CardElement {
  const label = l.t(`notice.${kind}`);
  const color = { error: 'Attention', warning: 'Warning', info: 'Accent', success: 'Good' }[kind] as 'Attention' | 'Warning' | 'Accent' | 'Good';
  const element = text(l.t('notice.line', { label, message }), { color });
  if (options.id) element.id = options.id;
  return element;
}

/**
 * Details that open in place: a button that toggles a hidden container (Action.ToggleVisibility,
 * schema 1.2+). Keeps a card's first screen for the decision; the rest is one tap away.
 */
export function details(id: string, title: string, items: CardElement[], options: { separator?: boolean; open?: boolean } = {}): CardElement[] {
  const toggle: CardElement = { type: 'ActionSet', actions: [{ type: 'Action.ToggleVisibility', title, targetElements: [id] }], spacing: 'Small' };
  if (options.separator) toggle.separator = true;
  return [toggle, { type: 'Container', id, isVisible: options.open === true, items, spacing: 'Small' }];
}

/**
 * Action.Execute (Universal Actions) with an Action.Submit fallback for clients that lack it; the
 * bot routes both to the same handler. `data` is client-supplied and is validated before use.
 */
export function executeAction(
  title: string,
  verb: string,
  data: Record<string, unknown>,
  options: { style?: 'positive' | 'destructive'; associatedInputs?: 'auto' | 'none'; id?: string } = {},
): CardAction {
  const action: CardAction = {
    type: 'Action.Execute',
    title,
    verb,
    data,
    fallback: { type: 'Action.Submit', title, data: { ...data, verb } },
  };
  if (options.style) action.style = options.style;
  if (options.associatedInputs) action.associatedInputs = options.associatedInputs;
  if (options.id) action.id = options.id;
  return action;
}

export function openUrlAction(title: string, url: string): CardAction {
  return { type: 'Action.OpenUrl', title, url };
}

export function actionSet(actions: CardAction[]): CardElement {
  return { type: 'ActionSet', actions };
}

export function textInput(
  id: string,
  label: string,
  options: { value?: string; placeholder?: string; isRequired?: boolean; errorMessage?: string; maxLength?: number; isMultiline?: boolean; regex?: string } = {},
): CardElement {
  const element: CardElement = { type: 'Input.Text', id, label, ...compact(options) };
  return element;
}

/**
 * A choice. `choicesData` makes it a Teams picker: written as `choices.data` with a `Data.Query`,
 * e.g. dataset `graph.microsoft.com/users` for the people picker, whose value is the chosen
 * person's Entra object id
 * (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/people-picker).
 * The static `choices` stay as the fallback where dynamic typeahead is missing (the Agents
 * Playground, the official renderer without a host that fetches): there the card is an ordinary
 * choice set. UNCONFIRMED: whether Teams lists the static choices next to its search results.
 */
export function choiceInput(
  id: string,
  label: string,
  choices: Array<{ title: string; value: string }>,
  options: {
    value?: string;
    isMultiSelect?: boolean;
    style?: 'compact' | 'expanded' | 'filtered';
    isRequired?: boolean;
    errorMessage?: string;
    placeholder?: string;
    choicesData?: { type: 'Data.Query'; dataset: string; count?: number };
  } = {},
): CardElement {
  const { choicesData, ...rest } = options;
  // wrap: long choice titles wrap instead of being cut off with "…" on a phone.
  return { type: 'Input.ChoiceSet', id, label, choices, wrap: true, ...compact(rest), ...(choicesData ? { 'choices.data': choicesData } : {}) };
}

/** The Teams people picker's dataset: the whole organisation's directory. */
export const PEOPLE_DATASET = 'graph.microsoft.com/users';

export function toggleInput(id: string, label: string, title: string, options: { value?: 'true' | 'false'; isRequired?: boolean; errorMessage?: string } = {}): CardElement {
  return { type: 'Input.Toggle', id, label, title, valueOn: 'true', valueOff: 'false', wrap: true, ...compact(options) };
}

export function numberInput(id: string, label: string, options: { value?: number; min?: number; max?: number; isRequired?: boolean; errorMessage?: string } = {}): CardElement {
  return { type: 'Input.Number', id, label, ...compact(options) };
}

function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/** Size in bytes of the card as it goes on the wire. */
export function cardBytes(value: AdaptiveCardJson): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
