import { z } from 'zod';
import type { Run } from '../../executor/runTypes';
import { VERBS } from './verbs';

export const RUN_VERBS = [VERBS.runRetry, VERBS.runCertificate, VERBS.runView] as const;
export type RunVerb = (typeof RUN_VERBS)[number];

/**
 * What a run card's buttons carry: which run, which card version, which verb — never who clicks
 * (that comes from the activity). `certificatePem` is the ceremony card's text input, merged in by
 * Teams. Parsed strictly; unknown members are dropped.
 */
export const runCardDataSchema = z.object({
  runId: z.string().regex(/^run_[A-Za-z0-9_-]{8,64}$/, 'is not a run id'),
  cardVersion: z.coerce.number().int().min(1).max(1_000_000_000),
  verb: z.enum(RUN_VERBS),
  certificatePem: z.string().max(20_000).optional(),
});

export type RunCardData = z.infer<typeof runCardDataSchema>;

export function runActionData(run: Pick<Run, 'id' | 'version'>, verb: RunVerb): Record<string, unknown> {
  return { runId: run.id, cardVersion: run.version, verb };
}

export function parseRunCardData(data: Record<string, unknown>, verb: RunVerb): { ok: true; data: RunCardData } | { ok: false; problems: string[] } {
  const parsed = runCardDataSchema.safeParse(data);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'data'} ${issue.message}`) };
  if (parsed.data.verb !== verb) return { ok: false, problems: [`verb in the data (${parsed.data.verb}) is not the button's verb (${verb})`] };
  return { ok: true, data: parsed.data };
}
