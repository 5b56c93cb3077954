import { planText, type Plan } from '../../customerKey';
import type { Localizer } from './localizer';

/** A plan's sentences in the reader's language (each only where it says exactly what the plan keeps). */
export interface PlanWords {
  readonly title: string;
  readonly steps: readonly string[];
  readonly irreversible: readonly string[];
  readonly costNotes: readonly string[];
  readonly keywardRights: readonly string[];
}

/**
 * The plan keeps its sentences in English inside its hash; `planText` makes the same sentences as
 * messages from the plan's own data. Each is shown translated when its English is the stored
 * sentence, else as stored (a plan from an older Keyward): approvers never read a translation of
 * anything but what they approve.
 */
export function planWords(l: Localizer, plan: Plan): PlanWords {
  const said = planText(plan);
  const each = (stored: readonly string[], messages: PlanTextList) => stored.map((line, i) => l.sayStored(line, messages[i]));
  return {
    title: l.sayStored(plan.title, said.title),
    steps: each(
      plan.steps.map((s) => s.summary),
      said.steps,
    ),
    irreversible: each(plan.irreversible, said.irreversible),
    costNotes: each(plan.costNotes, said.costNotes),
    keywardRights: each(plan.keywardRights ?? [], said.keywardRights),
  };
}

type PlanTextList = ReturnType<typeof planText>['steps'];
