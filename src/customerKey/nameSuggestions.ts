/**
 * Vault and Managed HSM names suggested from the organisation's naming pattern
 * (KEYWARD_NAME_PATTERN). The setup journey checks each suggestion's availability in Azure and
 * moves `{nn}` on until it finds a free name, so the names card opens with names that work.
 */
import { hyphenated, validateManagedHsmName, validateVaultName } from './naming';
import type { SiteId } from './spec';
import { WORKLOADS, WORKLOAD_INFO, type Workload } from './workloads';

/**
 * Tokens: `{kind}` kv or hsm; `{workload}` the workload's short name (mw, ex, sp; empty for an
 * HSM, which all workloads share); `{site}` a or b; `{nn}` 01, 02, … (the attempt). Anything else
 * is literal: put your organisation's prefix in it, e.g. `{kind}-contoso-ck-{workload}-{site}{nn}`.
 */
export const DEFAULT_CONTAINER_NAME_PATTERN = '{kind}-ck-{workload}-{site}-{nn}';
const TOKENS = ['kind', 'workload', 'site', 'nn'] as const;

export interface NameParts {
  kind: 'vault' | 'managedHsm';
  workload?: Workload;
  site: SiteId;
  /** The attempt, from 1. */
  n: number;
}

/** The name the pattern gives for these parts: lower case, single hyphens, none at the ends. */
export function containerNameFromPattern(pattern: string, parts: NameParts): string {
  const nn = String(parts.n).padStart(2, '0');
  const withNumber = pattern.includes('{nn}') ? pattern : parts.n > 1 ? `${pattern}-{nn}` : pattern;
  const named = withNumber
    .replace(/\{kind\}/g, parts.kind === 'vault' ? 'kv' : 'hsm')
    .replace(/\{workload\}/g, parts.kind === 'vault' && parts.workload ? WORKLOAD_INFO[parts.workload].shortName : '')
    .replace(/\{site\}/g, parts.site.toLowerCase())
    .replace(/\{nn\}/g, nn);
  return hyphenated(named.toLowerCase());
}

/** Null when the pattern gives valid vault and HSM names for every workload, site and attempt up to 99; else why not. */
export function namePatternProblem(pattern: string): string | null {
  const unknown = [...pattern.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((token) => !(TOKENS as readonly string[]).includes(token));
  if (unknown.length > 0) return `KEYWARD_NAME_PATTERN has unknown token(s) ${unknown.map((t) => `{${t}}`).join(', ')}; use {kind}, {workload}, {site} and {nn}.`;
  for (const n of [1, 99]) {
    for (const site of ['A', 'B'] as const) {
      const hsm = containerNameFromPattern(pattern, { kind: 'managedHsm', site, n });
      const hsmProblem = validateManagedHsmName(hsm);
      if (hsmProblem) return `KEYWARD_NAME_PATTERN gives the HSM name '${hsm}': ${hsmProblem.text}`;
      for (const workload of WORKLOADS) {
        const vault = containerNameFromPattern(pattern, { kind: 'vault', workload, site, n });
        const problem = validateVaultName(vault);
        if (problem) return `KEYWARD_NAME_PATTERN gives the vault name '${vault}': ${problem.text}`;
      }
    }
  }
  const a = containerNameFromPattern(pattern, { kind: 'vault', workload: 'exchange', site: 'A', n: 1 });
  const b = containerNameFromPattern(pattern, { kind: 'vault', workload: 'exchange', site: 'B', n: 1 });
  if (a === b) return 'KEYWARD_NAME_PATTERN must contain {site}: key A and key B need different vaults.';
  return null;
}
