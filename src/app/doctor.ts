import fs from 'node:fs';
import path from 'node:path';
import { isAppError, isGuid, isInside } from '../core';
import { loadConfig, type Config, type ConfigProblem } from '../config';
import { readPolicyFile, resolvePolicyPath } from '../approvals/policyFile';
import type { ApprovalPolicy } from '../approvals';
import type { InventoryContainer } from '../inventory/inventoryTypes';
import { ROLES } from '../customerKey/roles';
import { networkShareOf } from '../store/networkShare';

/** One line of the doctor's report: what was checked, how it stands, and the fix when it does not. */
export interface DoctorFinding {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix?: string;
}

/** What the online checks need from Azure, per identity (src/azure's gateway satisfies it). */
export interface DoctorIdentity {
  /** writer or reader. */
  name: 'writer' | 'reader';
  clientId?: string;
  /** Who the identity is, from a token it obtains (throws when it cannot obtain one). */
  identity(): Promise<{ objectId: string; tenantId?: string }>;
  missingActions(scope: string, actions: readonly string[]): Promise<string[]>;
  /** A user of the tenant by object id, undefined when none (Microsoft Graph). */
  getUser(objectId: string): Promise<{ objectId: string; accountEnabled?: boolean } | undefined>;
}

export interface DoctorOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Online checks against Azure (tokens, users, roles); false = settings, policy and manifest only. */
  online: boolean;
  /** The Teams app manifest (manifest.json or the app package .zip); default appPackage/build/appPackage.zip when it exists. */
  manifest?: { file: string; json: string };
  /** Extra scopes to check the identities' roles at (subscriptions or resource groups where Customer Key will live). */
  scopes: readonly string[];
  /** Built by the caller from the configuration (the CLI is a composition root). */
  azure?(config: Config): { identities: DoctorIdentity[] };
  /** The vaults and HSMs Keyward knows (its store, read-only), whose scopes are checked too. */
  inventory?(config: Config): Promise<InventoryContainer[]>;
  /** Opens the configured store read-only and says what is there (online; throws what the sign-in or connection threw). */
  store?(config: Config): Promise<StoreProbe>;
  /** /proc/mounts' text (tests; default: this machine's). */
  mounts?: string;
}

/** What the online store check found. */
export interface StoreProbe {
  /** "SQLite <file>" or "PostgreSQL host:port/database as role" (never a password). */
  where: string;
  /** Migrations applied (0: Keyward never started on it). */
  migrations: number;
  /** False when there is nothing to open yet (a SQLite file not created, a local server not running). */
  exists: boolean;
}

/** The fix for each store setting a start would refuse. */
const STORE_FIXES: Record<string, string> = {
  KEYWARD_STORE:
    'Set KEYWARD_STORE=sqlite (one instance, a local disk) or postgres (Azure Database for PostgreSQL flexible server; several instances). infra/main.bicep with store=postgres sets every store setting.',
  KEYWARD_POSTGRES_URL:
    "Set KEYWARD_POSTGRES_URL=postgres://<role>@<server>.postgres.database.azure.com:5432/<database> — the role is the managed identity's name (infra/postgres-role.sql), no password in Azure — or remove it with KEYWARD_STORE=sqlite.",
  KEYWARD_POSTGRES_AUTH:
    "Use KEYWARD_POSTGRES_AUTH=entra in Azure (the managed identity's token is the password; nothing secret in the settings); password only for a server of your own whose password is in KEYWARD_POSTGRES_URL.",
  KEYWARD_POSTGRES_CLIENT_ID:
    'Set KEYWARD_POSTGRES_CLIENT_ID (or KEYWARD_WRITER_CLIENT_ID) to the client id of the user-assigned managed identity whose database role is the user in KEYWARD_POSTGRES_URL.',
  KEYWARD_POSTGRES_POOL_SIZE: "Set KEYWARD_POSTGRES_POOL_SIZE to a whole number from 2 to 100 (default 10); instances × pool size must stay below the server's max_connections.",
  KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE: 'Remove KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE: it only applies to KEYWARD_STORE=sqlite.',
};

/**
 * `npm run doctor`: checks a deployment's configuration, offline then online, and says for each
 * problem what to do. Offline: every setting (as the start would), the approval policy file (and
 * its tenant), production advice (telemetry, where digests live), the Teams app manifest against
 * the bot id. Online: each identity obtains a token in the right tenant; the policy's people are
 * users of that tenant; each identity holds the actions it needs at every Customer Key scope
 * Keyward knows (and the ones named with --scope).
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = [];
  const add = (finding: DoctorFinding) => findings.push(finding);

  // ---------------------------------------------------------------- settings
  let config: Config | undefined;
  try {
    config = loadConfig(options.env);
    add({ check: 'settings', status: 'ok', message: `valid (${config.mode} mode)` });
  } catch (error) {
    if (!isAppError(error, 'ConfigInvalid')) throw error;
    for (const problem of (error.details.problems as ConfigProblem[]) ?? []) {
      add({
        check: STORE_FIXES[problem.variable] ? 'store' : 'settings',
        status: 'fail',
        message: `${problem.variable} ${problem.message}`,
        fix: STORE_FIXES[problem.variable] ?? `Set ${problem.variable} in the App Service's application settings (or .env locally); .env.sample documents each one.`,
      });
    }
  }

  // ---------------------------------------------------------------- policy file
  let policy: ApprovalPolicy | undefined;
  const mode = config?.mode ?? (options.env.MicrosoftAppId ? 'production' : 'local');
  let policyFile: string | undefined;
  try {
    policyFile = resolvePolicyPath(mode, options.env.KEYWARD_POLICY_FILE?.trim() || undefined);
    policy = readPolicyFile(policyFile);
    add({
      check: 'policy',
      status: 'ok',
      message: `${policyFile}: ${Object.keys(policy.groups).length} group(s), ${new Set(Object.values(policy.groups).flatMap((g) => g.members)).size} approver(s), tenant ${policy.tenantId}`,
    });
  } catch (error) {
    if (!isAppError(error)) throw error;
    const problems = (error.details.problems as string[] | undefined) ?? [error.message];
    for (const problem of problems)
      add({
        check: 'policy',
        status: 'fail',
        message: problem,
        fix: `Edit ${policyFile ?? 'the policy file (KEYWARD_POLICY_FILE)'}; config/policy.local.json is a complete example.`,
      });
  }
  if (config && policy && !config.bot.allowedTenants.includes(policy.tenantId)) {
    add({
      check: 'policy',
      status: 'fail',
      message: `the policy is for tenant ${policy.tenantId}, which this Keyward does not serve (${config.bot.allowedTenants.join(', ')})`,
      fix: 'Put your tenant id in the policy\'s "tenantId", or add it to KEYWARD_ALLOWED_TENANTS.',
    });
  }

  // ---------------------------------------------------------------- store (offline)
  if (config) checkStoreSettings(config, options.mounts, add);

  // ---------------------------------------------------------------- production advice
  if (config?.mode === 'production') {
    if (config.telemetry.exporter === 'none')
      add({
        check: 'telemetry',
        status: 'warn',
        message: 'no traces or metrics are exported',
        fix: 'Set APPLICATIONINSIGHTS_CONNECTION_STRING (the Bicep creates Application Insights and sets it).',
      });
    else add({ check: 'telemetry', status: 'ok', message: `exported to ${config.telemetry.exporter}` });
    if (config.auditDigests.everyMinutes === 0)
      add({
        check: 'audit digests',
        status: 'warn',
        message: 'KEYWARD_AUDIT_DIGEST_MINUTES is 0: the audit log is not signed',
        fix: 'Set KEYWARD_AUDIT_DIGEST_MINUTES (default 60).',
      });
    else if (isInside(config.auditDigests.dir, config.dataDir))
      add({
        check: 'audit digests',
        status: 'warn',
        message: `signed digests are written inside the data directory (${config.auditDigests.dir}), where whoever can rewrite the log can delete them`,
        fix: 'Mount append-only storage (an immutable blob container through a storage mount) and point KEYWARD_AUDIT_DIGEST_DIR at it.',
      });
    else add({ check: 'audit digests', status: 'ok', message: `every ${config.auditDigests.everyMinutes} min into ${config.auditDigests.dir}` });
  }

  // ---------------------------------------------------------------- Teams app manifest
  if (options.manifest) checkManifest(options.manifest, config, options.env.MicrosoftAppId?.trim() || undefined, add);
  else if (config?.mode === 'production')
    add({
      check: 'teams app',
      status: 'warn',
      message: 'no app package found to compare with the bot id',
      fix: 'Build it with "TEAMS_APP_ID=<guid> BOT_ID=<MicrosoftAppId> npm run package", or pass --manifest <manifest.json|appPackage.zip>.',
    });

  if (!options.online || !config) return findings;

  // ---------------------------------------------------------------- store (online)
  if (options.store) await checkStore(config, options.store, add);
  if (!options.azure) return findings;

  // ---------------------------------------------------------------- identities (online)
  const azure = options.azure(config);
  const tenantId = config.azure.tenantId ?? policy?.tenantId;
  const whoIs = new Map<string, string>();
  for (const identity of azure.identities) {
    try {
      const who = await identity.identity();
      whoIs.set(identity.name, who.objectId);
      if (tenantId && who.tenantId && who.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
        add({
          check: `identity ${identity.name}`,
          status: 'fail',
          message: `its token is for tenant ${who.tenantId}, not ${tenantId}`,
          fix: `Use a managed identity of tenant ${tenantId} (KEYWARD_${identity.name.toUpperCase()}_CLIENT_ID), or fix KEYWARD_AZURE_TENANT_ID.`,
        });
      } else add({ check: `identity ${identity.name}`, status: 'ok', message: `client id ${identity.clientId ?? '(default credential)'} is object id ${who.objectId}` });
    } catch (error) {
      add({
        check: `identity ${identity.name}`,
        status: 'fail',
        message: `client id ${identity.clientId ?? '(default credential)'} obtained no token (${codeOf(error)})`,
        fix: `Assign the user-assigned managed identity ${identity.clientId ?? ''} to this App Service (Identity › User assigned) and check KEYWARD_${identity.name.toUpperCase()}_CLIENT_ID is its client id (not its object id).`,
      });
    }
  }

  // ---------------------------------------------------------------- policy people in the tenant (online)
  // Users are read as the reader when it has a token (it is the one meant to read), else as the writer.
  const graphReader = [...azure.identities].sort((a, b) => (a.name === 'reader' ? -1 : b.name === 'reader' ? 1 : 0)).find((identity) => whoIs.has(identity.name));
  if (policy && graphReader) {
    // Each person once (read once from Graph), with every group they are in.
    const groupsOf = new Map<string, string[]>();
    for (const group of Object.values(policy.groups)) for (const member of group.members) groupsOf.set(member, [...(groupsOf.get(member) ?? []), group.id]);
    let readable = true;
    for (const [member, groups] of groupsOf) {
      if (!readable) break;
      const inGroups = `${groups.length > 1 ? 'groups' : 'group'} ${groups.join(', ')}`;
      try {
        const user = await graphReader.getUser(member);
        if (!user)
          add({
            check: 'policy people',
            status: 'fail',
            message: `${member} (${inGroups}${policy.people[member] ? `, "${policy.people[member]}"` : ''}) is not a user of tenant ${tenantId ?? policy.tenantId}`,
            fix: "Replace it with the person's Entra object id (Entra admin center › Users › the person › Object ID); a name, e-mail or an app's id does not work.",
          });
        else if (user.accountEnabled === false)
          add({
            check: 'policy people',
            status: 'fail',
            message: `${member} (${inGroups}) is a disabled account: it can never vote`,
            fix: 'Remove the person from the group in the policy file, or re-enable the account; check the rule can still be met ("policy" in chat).',
          });
      } catch (error) {
        readable = false;
        add({
          check: 'policy people',
          status: 'warn',
          message: `could not read users from Microsoft Graph (${codeOf(error)}), so the policy's people were not checked`,
          fix: `Grant the ${graphReader.name} identity the Microsoft Graph application permission User.Read.All, or check the people by hand.`,
        });
      }
    }
    if (readable && !findings.some((f) => f.check === 'policy people'))
      add({ check: 'policy people', status: 'ok', message: `all ${groupsOf.size} people of the policy are users of the tenant` });
  }

  // ---------------------------------------------------------------- roles at the Customer Key scopes (online)
  const containers = (await options.inventory?.(config).catch(() => [])) ?? [];
  const targets = new Map<string, { kinds: Set<'vault' | 'managedHsm' | 'any'>; why: string }>();
  for (const container of containers.filter((c) => c.status === 'active')) {
    const scope = `/subscriptions/${container.subscriptionId}/resourceGroups/${container.resourceGroup}`;
    const entry = targets.get(scope) ?? { kinds: new Set(), why: `${container.kind === 'vault' ? 'vault' : 'Managed HSM'} ${container.name}` };
    entry.kinds.add(container.kind === 'vault' ? 'vault' : 'managedHsm');
    targets.set(scope, entry);
  }
  for (const scope of options.scopes) if (!targets.has(scope)) targets.set(scope, { kinds: new Set(['any']), why: 'named with --scope' });
  if (targets.size === 0)
    add({
      check: 'roles',
      status: 'ok',
      message: 'no Customer Key scope known yet (nothing set up); pass --scope /subscriptions/<id>/resourceGroups/<rg> to check one before setup',
    });
  for (const [scope, target] of targets) {
    for (const identity of azure.identities) {
      if (!whoIs.has(identity.name)) continue;
      const needs = requiredActions(identity.name, target.kinds, scope);
      let missing: string[];
      let at = scope;
      let grantAt = scope;
      try {
        try {
          missing = await identity.missingActions(scope, needs.actions);
        } catch (error) {
          // A resource group that does not exist yet: what counts is what the identity holds above it.
          const subscription = /^\/subscriptions\/[^/]+/i.exec(scope)?.[0];
          if (!isAppError(error, 'AzureNotFound') || !subscription || subscription === scope) throw error;
          at = `${subscription} (resource group not created yet)`;
          grantAt = subscription;
          missing = await identity.missingActions(subscription, needs.actions);
        }
      } catch (error) {
        add({
          check: `roles ${identity.name}`,
          status: 'fail',
          message: `cannot read its permissions at ${scope} (${codeOf(error)})`,
          fix: `Grant ${identity.name === 'reader' ? 'Reader' : needs.roles.map((r) => r.name).join(' and ')} to the ${identity.name} identity at ${scope}.`,
        });
        continue;
      }
      if (missing.length === 0) add({ check: `roles ${identity.name}`, status: 'ok', message: `holds what it needs at ${at} (${target.why})` });
      else
        add({
          check: `roles ${identity.name}`,
          status: 'fail',
          message: `lacks ${missing.join(', ')} at ${at} (${target.why})`,
          fix: needs.roles
            .map(
              (role) =>
                `az role assignment create --assignee-object-id ${whoIs.get(identity.name)} --assignee-principal-type ServicePrincipal --role ${role.id} --scope ${grantAt}   # ${role.name}`,
            )
            .join('\n'),
        });
    }
  }
  return findings;
}

/** What each identity needs at a scope: the reader reads, the writer creates and grants (infra/README.md lists the roles). */
function requiredActions(
  identity: 'writer' | 'reader',
  kinds: Set<'vault' | 'managedHsm' | 'any'>,
  scope: string,
): { actions: string[]; roles: Array<{ name: string; id: string }> } {
  const subscriptionOnly = /^\/subscriptions\/[^/]+$/i.test(scope);
  if (identity === 'reader')
    return {
      actions: [
        'Microsoft.Resources/subscriptions/resourceGroups/read',
        ...(kinds.has('managedHsm') ? ['Microsoft.KeyVault/managedHSMs/read'] : ['Microsoft.KeyVault/vaults/read']),
      ],
      roles: [{ name: ROLES.reader.name, id: ROLES.reader.id }],
    };
  if (subscriptionOnly) return { actions: ['Microsoft.Resources/subscriptions/resourceGroups/write'], roles: [{ name: ROLES.contributor.name, id: ROLES.contributor.id }] };
  const hsm = kinds.has('managedHsm');
  const vault = kinds.has('vault') || kinds.has('any');
  const actions = [
    ...(vault ? ['Microsoft.KeyVault/vaults/read', 'Microsoft.KeyVault/vaults/write'] : []),
    ...(hsm ? ['Microsoft.KeyVault/managedHSMs/read', 'Microsoft.KeyVault/managedHSMs/write'] : []),
  ];
  const roles = [
    ...(vault ? [{ name: ROLES.keyVaultContributor.name, id: ROLES.keyVaultContributor.id }] : []),
    ...(hsm ? [{ name: ROLES.managedHsmContributor.name, id: ROLES.managedHsmContributor.id }] : []),
  ];
  return { actions, roles };
}

function checkManifest(manifest: { file: string; json: string }, config: Config | undefined, configuredAppId: string | undefined, add: (finding: DoctorFinding) => void): void {
  let parsed: { id?: string; bots?: Array<{ botId?: string; scopes?: string[] }> };
  try {
    parsed = JSON.parse(manifest.json) as typeof parsed;
  } catch {
    add({ check: 'teams app', status: 'fail', message: `${manifest.file} is not JSON`, fix: 'Rebuild it with "npm run package".' });
    return;
  }
  const before = manifest.json.match(/\$\{\{[A-Z_]+\}\}/g);
  if (before) {
    add({
      check: 'teams app',
      status: 'fail',
      message: `${manifest.file} still has placeholders (${[...new Set(before)].join(', ')})`,
      fix: 'Build the package with "TEAMS_APP_ID=<guid> BOT_ID=<MicrosoftAppId> npm run package" and upload appPackage/build/appPackage.zip.',
    });
    return;
  }
  const botIds = (parsed.bots ?? []).map((bot) => bot.botId ?? '');
  const problems: string[] = [];
  if (!parsed.id || !isGuid(parsed.id)) problems.push(`its id "${parsed.id ?? ''}" is not a GUID`);
  if (botIds.length === 0) problems.push('it declares no bot');
  const appId = config?.bot.appId ?? configuredAppId;
  if (appId && botIds.length > 0 && !botIds.some((id) => id.toLowerCase() === appId.toLowerCase()))
    problems.push(`its bot id ${botIds.join(', ')} is not this Keyward's MicrosoftAppId ${appId}: Teams would send the activities to another bot`);
  const scopes = new Set((parsed.bots ?? []).flatMap((bot) => bot.scopes ?? []));
  if (!scopes.has('groupChat') && !scopes.has('team')) problems.push('its bot cannot be added to a group chat or team, where approval cards go');
  if (problems.length === 0) add({ check: 'teams app', status: 'ok', message: `${path.basename(manifest.file)}: bot ${botIds.join(', ')}${appId ? ' = MicrosoftAppId' : ''}` });
  for (const problem of problems)
    add({
      check: 'teams app',
      status: 'fail',
      message: `${manifest.file}: ${problem}`,
      fix: `Rebuild with "TEAMS_APP_ID=<guid> BOT_ID=${appId ?? '<MicrosoftAppId>'} npm run package" and upload the new package in Teams (Apps › Manage your apps).`,
    });
}

/** Reads a manifest.json or the manifest inside an app package .zip. */
export function readManifestFile(file: string, readZip: (archive: Buffer) => Array<{ name: string; data: Buffer }>): { file: string; json: string } {
  const data = fs.readFileSync(file);
  if (file.endsWith('.zip')) {
    const entry = readZip(data).find((e) => e.name === 'manifest.json');
    if (!entry) return { file, json: '' };
    return { file, json: entry.data.toString('utf8') };
  }
  return { file, json: data.toString('utf8') };
}

/** What the store settings mean for this deployment, before anything is opened. */
function checkStoreSettings(config: Config, mounts: string | undefined, add: (finding: DoctorFinding) => void): void {
  if (config.store.engine === 'sqlite') {
    const share = networkShareOf(config.dataDir, mounts);
    if (share) {
      const why = `the SQLite store is on a network file system (${share.type} at ${share.mountPoint}; KEYWARD_DATA_DIR=${config.dataDir}), where SQLite's locking is not reliable (https://sqlite.org/useovernet.html): the store can be corrupted, or a vote counted twice`;
      const fix =
        'Use KEYWARD_STORE=postgres (deploy infra/main.bicep with store=postgres, then "npm run store -- copy" moves the state), or put KEYWARD_DATA_DIR on a local disk of a single instance.';
      if (config.mode === 'production' && !config.store.unsafeSqliteOnNetworkShare) add({ check: 'store', status: 'fail', message: `${why}; Keyward refuses to start so`, fix });
      else add({ check: 'store', status: 'warn', message: `${why}${config.mode === 'production' ? ' (allowed by KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE)' : ''}`, fix });
    } else
      add({
        check: 'store',
        status: 'ok',
        message: `SQLite in ${config.dataDir}${config.mode === 'production' ? ' (one instance only: several instances need KEYWARD_STORE=postgres)' : ''}`,
      });
    return;
  }
  if (config.mode === 'production' && config.store.postgresAuth === 'password') {
    add({
      check: 'store',
      status: 'warn',
      message: 'PostgreSQL signs in with a password kept in KEYWARD_POSTGRES_URL (an application setting)',
      fix: "Use KEYWARD_POSTGRES_AUTH=entra: Keyward signs in with its managed identity's token (infra/postgres-role.sql creates the role), and remove the password from the URL.",
    });
  }
}

/** Opens the configured store read-only: does it answer, does the sign-in work, has Keyward run on it? */
async function checkStore(config: Config, probe: (config: Config) => Promise<StoreProbe>, add: (finding: DoctorFinding) => void): Promise<void> {
  try {
    const found = await probe(config);
    if (!found.exists) add({ check: 'store', status: 'ok', message: `${found.where}: nothing there yet (the first start creates it)` });
    else if (found.migrations === 0)
      add({ check: 'store', status: 'ok', message: `${found.where} answers; Keyward has not started on it yet (the first start creates its tables)` });
    else add({ check: 'store', status: 'ok', message: `${found.where} answers (${found.migrations} migrations applied)` });
  } catch (error) {
    const code = isAppError(error) ? String(error.details.code ?? error.code) : codeOf(error);
    const text = isAppError(error) ? error.message : `could not open it (${codeOf(error)})`;
    const fix =
      code === '28P01' || code === '28000'
        ? config.store.postgresAuth === 'entra'
          ? `Create the role for the managed identity (infra/postgres-role.sql: pgaadauth_create_principal with the identity's name), make sure the user in KEYWARD_POSTGRES_URL is that role, and that KEYWARD_POSTGRES_CLIENT_ID (${config.store.postgresClientId ?? 'unset'}) is that identity's client id.`
          : 'Check the role and password in KEYWARD_POSTGRES_URL (ALTER ROLE … PASSWORD on the server), or sign in with the managed identity (KEYWARD_POSTGRES_AUTH=entra).'
        : code === '3D000'
          ? 'Create the database named in KEYWARD_POSTGRES_URL (the Bicep creates "keyward"), or fix its name in the URL.'
          : code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH'
            ? "Check the server name in KEYWARD_POSTGRES_URL and that the server runs; with private access, the App Service needs VNet integration into the server's network (the Bicep's privateNetwork); with public access, a firewall rule for Azure services."
            : config.store.engine === 'postgres'
              ? 'Check KEYWARD_POSTGRES_URL and KEYWARD_POSTGRES_AUTH; with entra, that this identity can obtain a token for https://ossrdbms-aad.database.windows.net (the managed identity is assigned to the App Service).'
              : `Check KEYWARD_DATA_DIR (${config.dataDir}) is readable by the user running Keyward.`;
    add({ check: 'store', status: 'fail', message: text, fix });
  }
}

/** Prints the report; returns the exit code (0 all well, 1 a problem). */
export function formatDoctorReport(findings: readonly DoctorFinding[]): { text: string; code: number } {
  const mark = { ok: '✔', warn: '⚠', fail: '✘' } as const;
  const lines = findings.map((f) => `${mark[f.status]} ${f.check}: ${f.message}${f.fix ? `\n    fix: ${f.fix.split('\n').join('\n         ')}` : ''}`);
  const failures = findings.filter((f) => f.status === 'fail').length;
  const warnings = findings.filter((f) => f.status === 'warn').length;
  lines.push(
    '',
    failures === 0
      ? `All is well${warnings > 0 ? ` (${warnings} warning(s))` : ''}.`
      : `${failures} problem(s)${warnings > 0 ? `, ${warnings} warning(s)` : ''}: fix them and run "npm run doctor" again.`,
  );
  return { text: `${lines.join('\n')}\n`, code: failures === 0 ? 0 : 1 };
}

function codeOf(error: unknown): string {
  if (isAppError(error)) return error.code;
  return (error as { name?: string } | null)?.name ?? 'Error';
}
