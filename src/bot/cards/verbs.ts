/**
 * Every Action.Execute verb Keyward's cards use. Constants, so a renamed verb is a compile error
 * rather than a dead button. Features add theirs here.
 */
export const VERBS = {
  /** Welcome card: start one of the journeys by name (data.command). */
  runCommand: 'keyward.command',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
