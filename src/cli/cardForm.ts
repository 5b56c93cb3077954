/**
 * A card's inputs as a client sees them: what each holds, and for choice sets what may be picked.
 * The demo fills a card the way a person does — it keeps what the card offers, picks from lists —
 * and uses this to count honestly what it typed.
 */
export interface CardInput {
  id: string;
  type: string;
  /** The value the card opens with ('' when none). */
  value: string;
  /** For Input.ChoiceSet: the values that can be picked. */
  choices?: string[];
  /** For Input.ChoiceSet: the titles shown, by value. */
  titles?: Record<string, string>;
  isMultiSelect?: boolean;
  /** For Input.ChoiceSet: the Teams dataset it searches (`choices.data`), e.g. graph.microsoft.com/users. */
  dataset?: string;
}

type Node = Record<string, unknown>;

export function inputsOf(card: Node): Map<string, CardInput> {
  const inputs = new Map<string, CardInput>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Node;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && typeof record.id === 'string') {
      const input: CardInput = { id: record.id, type: record.type, value: record.value === undefined ? '' : String(record.value) };
      if (record.type === 'Input.ChoiceSet') {
        const choices = (record.choices as Array<{ title: string; value: string }> | undefined) ?? [];
        input.choices = choices.map((c) => c.value);
        input.titles = Object.fromEntries(choices.map((c) => [c.value, c.title]));
        input.isMultiSelect = record.isMultiSelect === true;
        const data = record['choices.data'] as { dataset?: string } | undefined;
        if (data?.dataset) input.dataset = data.dataset;
      }
      inputs.set(record.id, input);
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'fallback') walk(value);
  };
  walk(card.body);
  walk(card.actions);
  return inputs;
}

/** The values a client submits for this card: every input's current value. */
export function defaultValues(card: Node): Record<string, string> {
  return Object.fromEntries([...inputsOf(card).values()].map((input) => [input.id, input.value]));
}

/** The value of the choice whose title matches, for picking by what a person reads. */
export function choiceByTitle(input: CardInput | undefined, title: RegExp): string {
  const found = Object.entries(input?.titles ?? {}).find(([, shown]) => title.test(shown));
  if (!found) throw new Error(`no choice matching ${title} in ${input?.id ?? 'a missing input'}`);
  return found[0];
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * How many GUIDs a person would have had to type to send `values` on this card: a GUID in any
 * value that is not one of the choices of that field's choice set counts (typed into a text field,
 * or a "choice" the card did not offer).
 */
export function typedGuids(card: Node, values: Record<string, unknown>): number {
  const inputs = inputsOf(card);
  let count = 0;
  for (const [id, raw] of Object.entries(values)) {
    const value = String(raw ?? '');
    const guids = value.match(GUID) ?? [];
    if (guids.length === 0) continue;
    const input = inputs.get(id);
    // Submitting what the card already holds is no typing.
    if (input && input.value === value && input.type !== 'Input.ChoiceSet') continue;
    const offered = new Set((input?.choices ?? []).map((c) => c.toLowerCase()));
    const picked = input?.type === 'Input.ChoiceSet' ? value.split(',').map((v) => v.trim().toLowerCase()) : [];
    for (const guid of guids) if (!(picked.includes(guid.toLowerCase()) && offered.has(guid.toLowerCase()))) count += 1;
  }
  return count;
}
