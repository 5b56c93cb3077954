import fs from 'node:fs';
import path from 'node:path';
import { appError } from '../core';
import { parseApprovalPolicy, type ApprovalPolicy } from './approvalPolicy';

/**
 * The one file in src/approvals that does I/O: finding and reading the policy file. Parsing and
 * validation stay pure (approvalPolicy.ts).
 */

/** config/policy.local.json of this checkout, found upward from this file (works from src and dist). */
export function localPolicyPath(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i += 1) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'config', 'policy.local.json');
    dir = path.dirname(dir);
  }
  return path.resolve('config', 'policy.local.json');
}

/**
 * Which policy file applies: KEYWARD_POLICY_FILE when set; in local mode the shipped local
 * policy; in production none — Keyward refuses to start rather than run without approval rules.
 */
export function resolvePolicyPath(mode: 'local' | 'production', policyFile: string | undefined): string {
  if (policyFile) return path.resolve(policyFile);
  if (mode === 'local') return localPolicyPath();
  throw appError(
    'PolicyInvalid',
    'KEYWARD_POLICY_FILE is not set. In production Keyward needs an approval policy file and will not start without one (see config/policy.local.json for the format).',
    {
      problems: ['KEYWARD_POLICY_FILE: is required in production (path to the approval policy JSON)'],
    },
  );
}

export function readPolicyFile(file: string): ApprovalPolicy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw appError('PolicyInvalid', `The approval policy file ${file} cannot be read: ${(error as Error).message}`, { problems: [`${file}: cannot be read`] });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw appError('PolicyInvalid', `The approval policy file ${file} is not valid JSON: ${(error as Error).message}`, {
      problems: [`${file}: not valid JSON (${(error as Error).message})`],
    });
  }
  try {
    return parseApprovalPolicy(json);
  } catch (error) {
    if (error instanceof Error && 'details' in error) {
      const details = (error as { details: { problems?: string[] } }).details;
      throw appError('PolicyInvalid', `${file}:\n${error.message}`, { problems: details.problems ?? [] }, error);
    }
    throw error;
  }
}
