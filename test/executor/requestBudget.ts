import type { RequestLogEntry } from '../../src/emulator';

/**
 * Names every Azure request the way the design note's request budget does, so a test (and the
 * benchmark) can compare a run's traffic with the budget line by line. Long-running-operation polls
 * are counted, not listed: how many there are depends on how long Azure takes.
 */
export function classify(entry: RequestLogEntry): string {
  const { method, path, status } = entry;
  const kind = /\/resourcegroups\/[^/]+$/i.test(path)
    ? 'resourceGroup'
    : /\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+$/i.test(path)
      ? 'vault'
      : /\/providers\/Microsoft\.KeyVault\/managedHSMs\/[^/]+$/i.test(path)
        ? 'managedHsm'
        : /\/(managedHsmOperationResults|operationResults)\//i.test(path)
          ? 'hsmOperation'
          : /\/vaults\/[^/]+\/accessPolicies\/add$/i.test(path)
            ? 'vaultAccessPolicyAdd'
            : /\/vaults\/[^/]+\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i.test(path)
              ? 'vaultRoleAssignment'
              : /\/vaults\/[^/]+\/providers\/Microsoft\.Authorization\/roleAssignments$/i.test(path)
                ? 'vaultRoleAssignments'
                : /^\/(keys(\/[^/]+)?\/)?providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i.test(path)
                  ? 'hsmRoleAssignment'
                  : /^\/(keys(\/[^/]+)?\/)?providers\/Microsoft\.Authorization\/roleAssignments$/i.test(path)
                    ? 'hsmRoleAssignments'
                    : /^\/providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/i.test(path)
                      ? 'hsmRoleDefinition'
                      : /^\/securitydomain\/download$/i.test(path)
                        ? 'securityDomainDownload'
                        : /^\/securitydomain\/download\/pending$/i.test(path)
                          ? 'securityDomainStatus'
                          : /^\/keys\/[^/]+\/create$/i.test(path)
                            ? 'keyCreate'
                            : /^\/keys\/[^/]+\/backup$/i.test(path)
                              ? 'keyBackup'
                              : /^\/keys\/[^/]+\/$/i.test(path)
                                ? 'key'
                                : /^\/keys\/[^/]+\/[0-9a-f]{32}$/i.test(path)
                                  ? 'keyVersion'
                                  : /\/wrapkey$/i.test(path)
                                    ? 'wrapKey'
                                    : /\/unwrapkey$/i.test(path)
                                      ? 'unwrapKey'
                                      : path;
  return `${method} ${kind} ${status}`;
}

/** The classified requests, with consecutive LRO polls folded into one "polls" line. */
export function budgetOf(log: readonly RequestLogEntry[]): { lines: string[]; polls: number } {
  const lines: string[] = [];
  let polls = 0;
  for (const entry of log) {
    const line = classify(entry);
    if (line.startsWith('GET hsmOperation')) {
      polls += 1;
      if (lines[lines.length - 1] !== 'GET hsmOperation (polls)') lines.push('GET hsmOperation (polls)');
      continue;
    }
    lines.push(line);
  }
  return { lines, polls };
}

/** The request budget of one site of a Premium RBAC plan with one workload (design note, "Request budget"). */
export const PREMIUM_RBAC_SITE = [
  'GET resourceGroup 404', // check: does the group exist? (never overwrite someone's group)
  'PUT resourceGroup 201',
  'GET vault 404', // check: an existing vault is compared, never re-PUT (a PUT replaces its access policies)
  'PUT vault 201',
  'PUT vaultRoleAssignment 201', // Keyward's Crypto Officer: the PUT is its own check (deterministic name, RoleAssignmentExists)
  'PUT vaultRoleAssignment 201', // the service principal's Crypto Service Encryption User: same
  'GET key 401', // the data plane's challenge, once per vault (the SDK's protocol)
  'GET key 404', // check: the version this request made (tag keyward-request), or an existing key
  'POST keyCreate 200',
  'POST keyBackup 200', // check is Keyward's own backup record: no request
];

/** One site of a Premium plan with access policies: Keyward's own policy comes with the vault PUT. */
export const PREMIUM_ACCESS_POLICY_SITE = [
  'GET resourceGroup 404',
  'PUT resourceGroup 201',
  'GET vault 404',
  'PUT vault 201', // with Keyward's own policy (get, list, create, backup; no delete)
  'PUT vaultAccessPolicyAdd 200', // the service principal: get, wrapKey, unwrapKey (add is a union: its own check)
  'GET key 401',
  'GET key 404',
  'POST keyCreate 200',
  'POST keyBackup 200',
];

export const PREMIUM_ACCESS_POLICY_VERIFY_KEY = ['GET vault 200', 'GET key 200', 'GET keyVersion 401', 'GET keyVersion 200', 'POST wrapKey 200', 'POST unwrapKey 200'];

/** Readiness for one key in an RBAC vault, with the emulator-only wrap/unwrap probe. */
export const PREMIUM_RBAC_VERIFY_KEY = [
  'GET vault 200', // soft delete, purge protection, SKU, access model
  'GET vaultRoleAssignments 200', // who may use the key (RBAC)
  'GET key 200', // type, ops, enabled, expiry, recovery level
  'GET keyVersion 401', // probe: the service principal's client meets the challenge
  'GET keyVersion 200', // probe: CryptographyClient reads the key first
  'POST wrapKey 200',
  'POST unwrapKey 200',
];

export const HSM_SITE = [
  'GET resourceGroup 404',
  'PUT resourceGroup 201',
  'GET managedHsm 404', // check: an HSM that is provisioning is polled, never created twice
  'PUT managedHsm 202',
  'GET hsmOperation (polls)', // the LRO, every pollIntervalMs
  'POST securityDomainDownload 401', // the HSM data plane's challenge (first HSM only: the REST client keeps it)
  'POST securityDomainDownload 202', // activates the HSM; the document is stored at once
  'GET securityDomainStatus 200',
  'GET hsmRoleAssignments 200', // check: the HSM accepts duplicates under other names, so read first
  'PUT hsmRoleDefinition 201', // Keyward's own key role (no delete, no purge), created while it is Administrator
  'PUT hsmRoleAssignment 201', // Keyward: that role at /keys
  'GET key 401',
  'GET key 404',
  'POST keyCreate 200',
  'GET hsmRoleAssignments 200',
  'PUT hsmRoleAssignment 201', // the service principal: Crypto Service Encryption User at /keys/<name>
  'POST keyBackup 200',
];

export const HSM_VERIFY_KEY = [
  'GET managedHsm 200',
  'GET hsmRoleAssignments 200',
  'GET key 200',
  'GET keyVersion 401',
  'GET keyVersion 200',
  'POST wrapKey 200',
  'POST unwrapKey 200',
];

/** After readiness, per HSM: Keyward gives up its Administrator role (a human administrator keeps it). */
export const HSM_REVOKE_ADMIN = ['GET hsmRoleAssignments 200', 'GET hsmRoleAssignments 200', 'DELETE hsmRoleAssignment 200'];

/** The second HSM: the security-domain REST client already holds the data plane's challenge. */
export const HSM_SECOND_SITE = HSM_SITE.filter((line) => line !== 'POST securityDomainDownload 401');
