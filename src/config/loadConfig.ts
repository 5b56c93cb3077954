import path from 'node:path';
import { z } from 'zod';
import { appError, isLoopbackHost, isLoopbackUrl, LOCAL_IDENTITIES, LOCAL_TENANT_ID } from '../core';
import { SETTINGS } from './settings';

export type Mode = 'local' | 'production';

/** Keyward's validated, frozen configuration. Only main.ts and the CLIs build it. */
export interface Config {
  mode: Mode;
  port: number;
  host: string;
  dataDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  shutdownGraceMs: number;
  /** Traces and metrics: Azure Monitor when a connection string is set, else none, console or OTLP. */
  telemetry: {
    exporter: 'azureMonitor' | 'none' | 'console' | 'otlp';
    /** Only for azureMonitor. Never logged. */
    connectionString?: string;
    otlpEndpoint: string;
    metricsExportMs: number;
  };
  /** /readyz: seconds a token check of Keyward's identities is reused. */
  readinessTokenCheckSeconds: number;
  /** Where the state lives (KEYWARD_STORE). */
  store: {
    engine: 'sqlite' | 'postgres';
    /** KEYWARD_POSTGRES_URL; undefined locally = Keyward starts a server under the data directory. Never logged. */
    postgresUrl?: string;
    postgresAuth: 'entra' | 'password';
    /** The managed identity whose token is the PostgreSQL password (entra). */
    postgresClientId?: string;
    /** TLS to PostgreSQL (always in production; off only for a server on loopback). */
    postgresTls: boolean;
    poolSize: number;
    /** KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE */
    unsafeSqliteOnNetworkShare: boolean;
  };
  bot: {
    appId?: string;
    appType?: 'UserAssignedMSI' | 'SingleTenant';
    tenantId?: string;
    /** Present only for SingleTenant. Never logged. */
    password?: string;
    allowedTenants: readonly string[];
  };
  azure: {
    armEndpoint: string;
    graphEndpoint: string;
    tenantId?: string;
    writerClientId?: string;
    readerClientId?: string;
    /** Custom Azure role for Keyward's key rights on RBAC vaults (infra/keywardRoles.bicep). */
    vaultKeyRoleId?: string;
    servicePrincipalObjectIds: Readonly<Record<string, string>>;
  };
  local: {
    /**
     * KEYWARD_LOCAL_UNSAFE_REAL_AZURE: local mode may use non-emulator endpoints and the developer's
     * own login. Always false in production (where it does not apply).
     */
    unsafeRealAzure: boolean;
    emulatorPort: number;
    /** The emulator's key soft-delete/recover window (ms). */
    emulatorSoftDeleteWindowMs: number;
    playgroundPort: number;
    startPlayground: boolean;
    playgroundUser: 'operator' | 'approverAlex' | 'approverBruno' | 'approverChen' | 'approverDana' | 'observer';
  };
  policyFile?: string;
  approvals: {
    /** Seconds between expiry/reminder passes; 0 = off. */
    tickSeconds: number;
    /** Days of audited activity that make an approver count as active (team health). */
    activeDays: number;
  };
  /** Signed digests of the audit chain (src/audit/auditDigest.ts). */
  auditDigests: {
    /** Minutes between digests; 0 = off. */
    everyMinutes: number;
    dir: string;
    /** The local Ed25519 signing key file (local mode without `signing.keyId`; unused otherwise). */
    signingKeyFile: string;
  };
  /** The key that signs submissions, votes, decisions and digests (docs/designs/2026-12-06-signed-approvals.md). */
  signing: {
    /** Key Vault / Managed HSM key id (EC P-256), used through the writer identity. Always set in production. */
    keyId?: string;
  };
  backupDir: string;
  executor: {
    /** Where downloaded security domains are stored (encrypted at rest). */
    securityDomainDir: string;
    /** Key Vault / Managed HSM RSA key that wraps the security domains' at-rest keys (production); local mode may use a key file. */
    securityDomainKeyId?: string;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    leaseSeconds: number;
    pollSeconds: number;
    /** Real wrap/unwrap as the Microsoft 365 service principals: local mode (the emulator) only. */
    wrapProbe: boolean;
  };
  /** The setup journey. */
  setup: {
    /** KEYWARD_NAME_PATTERN: the organisation's pattern for suggested vault and HSM names. */
    namePattern: string;
    /** KEYWARD_RETENTION_RECHECK_MINUTES: how often a setup waiting for the mandatory retention period is checked again (0 = off). */
    retentionRecheckMinutes: number;
  };
  /** DEPs, key roll, teardown, inventory health. */
  operations: {
    /** Base URL for download links; undefined in production without KEYWARD_PUBLIC_URL (local: the server's own URL). */
    publicUrl?: string;
    downloadTtlMinutes: number;
    coolingOffSeconds: number;
    tickSeconds: number;
    purgeWatchMinutes: number;
    healthCheckMinutes: number;
    /** Days between security-domain share attestation rounds; 0 = never. */
    shareAttestationDays: number;
    /** Exchange app-only DEP execution (off unless configured). */
    depAppOnly?: { organization: string; pwshPath: string };
  };
}

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** True when the address only accepts connections from this machine (parsed, see core/loopback). */
export { isLoopbackHost } from '../core';

/** Local mode's Azure endpoints when none are set: the local emulator's. */
export function localEmulatorEndpoints(emulatorPort: number): { armEndpoint: string; graphEndpoint: string } {
  return { armEndpoint: `https://localhost:${emulatorPort}`, graphEndpoint: `https://graph.localhost:${emulatorPort}` };
}

const UNSAFE_OVERRIDE = 'KEYWARD_LOCAL_UNSAFE_REAL_AZURE';

/**
 * Reads every setting from `env`, reports every problem at once (ConfigInvalid with
 * `details.problems`), and returns a frozen Config. Pure: no I/O, so tests pass plain objects.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const raw = env[setting.name];
    const input = raw === undefined || raw.trim() === '' ? undefined : raw;
    const parsed = (setting.schema as z.ZodTypeAny).safeParse(input);
    if (parsed.success) values[setting.name] = parsed.data;
    else problems.push({ variable: setting.name, message: parsed.error.issues.map((issue) => issue.message).join('; ') });
  }

  const appId = values.MicrosoftAppId as string | undefined;
  const mode: Mode = appId ? 'production' : 'local';
  const appType = values.MicrosoftAppType as Config['bot']['appType'];
  const tenantId = values.MicrosoftAppTenantId as string | undefined;
  const password = values.MicrosoftAppPassword as string | undefined;
  const host = (values.KEYWARD_HOST as string | undefined) ?? (mode === 'local' ? '127.0.0.1' : '0.0.0.0');

  if (mode === 'production') {
    if (!appType) problems.push({ variable: 'MicrosoftAppType', message: 'is required when MicrosoftAppId is set (UserAssignedMSI or SingleTenant)' });
    if (!tenantId) problems.push({ variable: 'MicrosoftAppTenantId', message: 'is required when MicrosoftAppId is set' });
    if (appType === 'SingleTenant' && !password) problems.push({ variable: 'MicrosoftAppPassword', message: 'is required for MicrosoftAppType=SingleTenant' });
    if (appType === 'UserAssignedMSI' && password)
      problems.push({ variable: 'MicrosoftAppPassword', message: 'must be empty for UserAssignedMSI (the managed identity has no secret)' });
  } else {
    if (!isLoopbackHost(host)) {
      problems.push({
        variable: 'KEYWARD_HOST',
        message: `is ${host}, but without MicrosoftAppId the bot accepts unauthenticated activities; it only binds to a loopback address (127.0.0.1). Set MicrosoftAppId to run on a network address.`,
      });
    }
    if (appType || password)
      problems.push({ variable: 'MicrosoftAppId', message: 'is empty while MicrosoftAppType/MicrosoftAppPassword are set; set the app id too, or clear them for local mode' });
  }

  // Local mode is anonymous: whoever reaches the port is whoever the activity says. So it talks
  // only to the local emulator (loopback, including the emulator's *.localhost hosts, which
  // Keyward's Azure clients pin to 127.0.0.1), unless the operator explicitly accepts the risk.
  const unsafeRealAzure = values[UNSAFE_OVERRIDE] as boolean;
  const emulatorEndpoints = localEmulatorEndpoints(values.KEYWARD_EMULATOR_PORT as number);
  const armEndpoint = (values.KEYWARD_AZURE_ARM_ENDPOINT as string | undefined) ?? (mode === 'local' ? emulatorEndpoints.armEndpoint : 'https://management.azure.com');
  const graphEndpoint = (values.KEYWARD_AZURE_GRAPH_ENDPOINT as string | undefined) ?? (mode === 'local' ? emulatorEndpoints.graphEndpoint : 'https://graph.microsoft.com');
  if (mode === 'production' && unsafeRealAzure) {
    problems.push({ variable: UNSAFE_OVERRIDE, message: 'only applies to local mode (without MicrosoftAppId); remove it' });
  }
  if (mode === 'local' && !unsafeRealAzure) {
    for (const [variable, url] of [
      ['KEYWARD_AZURE_ARM_ENDPOINT', armEndpoint],
      ['KEYWARD_AZURE_GRAPH_ENDPOINT', graphEndpoint],
    ] as const) {
      if (!isLoopbackUrl(url, { localhostSubdomains: true })) {
        problems.push({
          variable,
          message: `is ${url}, but local mode (no MicrosoftAppId) is anonymous and only talks to the local emulator on loopback (npm start sets it). To run against real Azure, set MicrosoftAppId (production mode, signed-in users); ${UNSAFE_OVERRIDE}=true overrides this at your own risk`,
        });
      }
    }
  }

  const spPairs: Record<string, string> = {};
  for (const pair of (values.KEYWARD_M365_SP_OBJECT_IDS as string[] | undefined) ?? []) {
    const match = /^([0-9a-f-]{36})=([0-9a-f-]{36})$/i.exec(pair);
    if (match?.[1] && match[2]) spPairs[match[1].toLowerCase()] = match[2].toLowerCase();
    else problems.push({ variable: 'KEYWARD_M365_SP_OBJECT_IDS', message: `"${pair}" is not appId=objectId (two GUIDs)` });
  }

  const appInsights = values.APPLICATIONINSIGHTS_CONNECTION_STRING as string | undefined;
  if (appInsights && !/(^|;)\s*InstrumentationKey=[0-9a-f-]{36}\s*(;|$)/i.test(appInsights))
    problems.push({
      variable: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
      message: "is not an Application Insights connection string (it has no InstrumentationKey=<GUID>); copy it from the Application Insights resource's Overview page",
    });
  // The store: SQLite (one instance) or PostgreSQL (several), with a clear line for each wrong setting.
  const engine = values.KEYWARD_STORE as 'sqlite' | 'postgres';
  const postgresUrl = values.KEYWARD_POSTGRES_URL as string | undefined;
  const postgresAuth = (values.KEYWARD_POSTGRES_AUTH as 'entra' | 'password' | undefined) ?? (mode === 'production' ? 'entra' : 'password');
  const postgresClientId = (values.KEYWARD_POSTGRES_CLIENT_ID as string | undefined) ?? (values.KEYWARD_WRITER_CLIENT_ID as string | undefined);
  let postgresTls = mode === 'production';
  if (postgresUrl !== undefined && engine === 'sqlite')
    problems.push({ variable: 'KEYWARD_POSTGRES_URL', message: 'is set but KEYWARD_STORE is sqlite; set KEYWARD_STORE=postgres to use it, or remove it' });
  if (engine === 'postgres') {
    if (postgresUrl === undefined && mode === 'production')
      problems.push({
        variable: 'KEYWARD_POSTGRES_URL',
        message: 'is required with KEYWARD_STORE=postgres in production: postgres://<role>@<server>.postgres.database.azure.com:5432/<database>',
      });
    if (postgresUrl !== undefined) {
      let url: URL | undefined;
      try {
        url = new URL(postgresUrl);
      } catch {
        problems.push({ variable: 'KEYWARD_POSTGRES_URL', message: 'is not a URL; write it as postgres://<role>@<host>:5432/<database>' });
      }
      if (url) {
        if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
          problems.push({ variable: 'KEYWARD_POSTGRES_URL', message: `starts with ${url.protocol}, not postgres:// or postgresql://` });
        if (!url.username)
          problems.push({
            variable: 'KEYWARD_POSTGRES_URL',
            message: "names no user: the database role Keyward signs in as goes before the @ (in Azure: the managed identity's role name)",
          });
        if (!url.pathname.replace(/^\//, '')) problems.push({ variable: 'KEYWARD_POSTGRES_URL', message: 'names no database: add /<database> after the host and port' });
        if (postgresAuth === 'entra' && url.password)
          problems.push({
            variable: 'KEYWARD_POSTGRES_URL',
            message: "carries a password, but KEYWARD_POSTGRES_AUTH is entra: Keyward signs in with its managed identity's token; remove the password",
          });
        if (postgresAuth === 'password' && !url.password)
          problems.push({ variable: 'KEYWARD_POSTGRES_URL', message: 'carries no password, but KEYWARD_POSTGRES_AUTH is password; add it, or use KEYWARD_POSTGRES_AUTH=entra' });
        const sslmode = url.searchParams.get('sslmode');
        if (mode === 'production' && sslmode === 'disable')
          problems.push({
            variable: 'KEYWARD_POSTGRES_URL',
            message: 'has sslmode=disable, but production always connects to PostgreSQL over TLS with the server certificate verified; remove it',
          });
        if (mode === 'local') postgresTls = !isLoopbackHost(url.hostname) || sslmode === 'require' || sslmode === 'verify-full';
      }
    }
    if (postgresAuth === 'entra' && !postgresClientId && mode === 'production')
      problems.push({
        variable: 'KEYWARD_POSTGRES_CLIENT_ID',
        message: 'is required for KEYWARD_POSTGRES_AUTH=entra (or set KEYWARD_WRITER_CLIENT_ID): the managed identity whose token signs in to PostgreSQL',
      });
    if (postgresAuth === 'entra' && mode === 'local' && postgresUrl === undefined)
      problems.push({
        variable: 'KEYWARD_POSTGRES_AUTH',
        message: 'is entra, but the PostgreSQL server npm start runs signs in with a password; set KEYWARD_POSTGRES_URL to an Azure server, or use password',
      });
  }
  if (values.KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE && engine !== 'sqlite')
    problems.push({ variable: 'KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE', message: 'only applies to KEYWARD_STORE=sqlite; remove it' });

  const publicUrl = values.KEYWARD_PUBLIC_URL as string | undefined;
  if (publicUrl && mode === 'production' && !publicUrl.startsWith('https://'))
    problems.push({ variable: 'KEYWARD_PUBLIC_URL', message: 'must start with https:// in production (download links travel through Teams to browsers)' });
  const organization = values.KEYWARD_EXCHANGE_ORGANIZATION as string | undefined;
  if (values.KEYWARD_DEP_APP_ONLY && !organization)
    problems.push({
      variable: 'KEYWARD_EXCHANGE_ORGANIZATION',
      message: 'is required when KEYWARD_DEP_APP_ONLY is true (Connect-ExchangeOnline -ManagedIdentity needs -Organization)',
    });
  if (organization && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(organization))
    problems.push({ variable: 'KEYWARD_EXCHANGE_ORGANIZATION', message: `"${organization}" is not a domain such as contoso.onmicrosoft.com` });

  // Key files on the host are for local mode only: in Azure the keys stay in Key Vault and are
  // used through the managed identity (issue 12 item 8).
  if (mode === 'production') {
    if (!values.KEYWARD_SIGNING_KEY_ID)
      problems.push({
        variable: 'KEYWARD_SIGNING_KEY_ID',
        message:
          'is required in production: the Key Vault or Managed HSM key (EC P-256) that signs votes, decisions and audit digests through the managed identity (no signing key file on the host)',
      });
    if (values.KEYWARD_AUDIT_SIGNING_KEY_FILE)
      problems.push({ variable: 'KEYWARD_AUDIT_SIGNING_KEY_FILE', message: 'is for local mode only; in production the signing key is a Key Vault key (KEYWARD_SIGNING_KEY_ID)' });
  }

  if (problems.length > 0) {
    throw appError('ConfigInvalid', formatProblems(problems), { problems });
  }

  const dataDir = path.resolve(values.KEYWARD_DATA_DIR as string);
  const allowed = values.KEYWARD_ALLOWED_TENANTS as string[];
  const config: Config = {
    mode,
    port: values.PORT as number,
    host,
    dataDir,
    logLevel: values.KEYWARD_LOG_LEVEL as Config['logLevel'],
    shutdownGraceMs: values.KEYWARD_SHUTDOWN_GRACE_MS as number,
    telemetry: {
      exporter: values.APPLICATIONINSIGHTS_CONNECTION_STRING ? 'azureMonitor' : (values.KEYWARD_TELEMETRY as 'none' | 'console' | 'otlp'),
      ...(values.APPLICATIONINSIGHTS_CONNECTION_STRING ? { connectionString: values.APPLICATIONINSIGHTS_CONNECTION_STRING as string } : {}),
      otlpEndpoint: (values.KEYWARD_OTLP_ENDPOINT as string).replace(/\/$/, ''),
      metricsExportMs: (values.KEYWARD_METRICS_EXPORT_SECONDS as number) * 1000,
    },
    readinessTokenCheckSeconds: values.KEYWARD_READINESS_TOKEN_CHECK_SECONDS as number,
    store: {
      engine,
      ...(postgresUrl ? { postgresUrl } : {}),
      postgresAuth,
      ...(postgresClientId ? { postgresClientId } : {}),
      postgresTls,
      poolSize: values.KEYWARD_POSTGRES_POOL_SIZE as number,
      unsafeSqliteOnNetworkShare: values.KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE as boolean,
    },
    bot: {
      appId,
      appType,
      tenantId,
      password,
      allowedTenants: allowed.length > 0 ? allowed.map((t) => t.toLowerCase()) : [(tenantId ?? LOCAL_TENANT_ID).toLowerCase()],
    },
    azure: {
      armEndpoint,
      graphEndpoint,
      tenantId: (values.KEYWARD_AZURE_TENANT_ID as string | undefined) ?? tenantId ?? (mode === 'local' ? LOCAL_TENANT_ID : undefined),
      // Local mode uses the emulator's managed identities, never a developer login (unless overridden).
      writerClientId: (values.KEYWARD_WRITER_CLIENT_ID as string | undefined) ?? (mode === 'local' && !unsafeRealAzure ? LOCAL_IDENTITIES.writer.clientId : undefined),
      readerClientId: (values.KEYWARD_READER_CLIENT_ID as string | undefined) ?? (mode === 'local' && !unsafeRealAzure ? LOCAL_IDENTITIES.reader.clientId : undefined),
      vaultKeyRoleId: (values.KEYWARD_VAULT_KEY_ROLE_ID as string | undefined)?.toLowerCase(),
      servicePrincipalObjectIds: spPairs,
    },
    local: {
      unsafeRealAzure: mode === 'local' && unsafeRealAzure,
      emulatorPort: values.KEYWARD_EMULATOR_PORT as number,
      emulatorSoftDeleteWindowMs: values.KEYWARD_EMULATOR_SOFT_DELETE_WINDOW_MS as number,
      playgroundPort: values.KEYWARD_PLAYGROUND_PORT as number,
      startPlayground: values.KEYWARD_PLAYGROUND as boolean,
      playgroundUser: values.KEYWARD_PLAYGROUND_USER as Config['local']['playgroundUser'],
    },
    policyFile: values.KEYWARD_POLICY_FILE as string | undefined,
    approvals: { tickSeconds: values.KEYWARD_APPROVALS_TICK_SECONDS as number, activeDays: values.KEYWARD_APPROVER_ACTIVE_DAYS as number },
    auditDigests: {
      everyMinutes: values.KEYWARD_AUDIT_DIGEST_MINUTES as number,
      dir: auditDigestDir(dataDir, values.KEYWARD_AUDIT_DIGEST_DIR as string | undefined),
      signingKeyFile: path.resolve(dataDir, (values.KEYWARD_AUDIT_SIGNING_KEY_FILE as string | undefined) ?? path.join('audit', 'digest-signing-key.pem')),
    },
    signing: { ...(values.KEYWARD_SIGNING_KEY_ID ? { keyId: values.KEYWARD_SIGNING_KEY_ID as string } : {}) },
    backupDir: path.resolve(dataDir, (values.KEYWARD_BACKUP_DIR as string | undefined) ?? 'backups'),
    executor: {
      securityDomainDir: path.resolve(dataDir, (values.KEYWARD_SECURITY_DOMAIN_DIR as string | undefined) ?? 'security-domains'),
      ...(values.KEYWARD_SECURITY_DOMAIN_KEY_ID ? { securityDomainKeyId: values.KEYWARD_SECURITY_DOMAIN_KEY_ID as string } : {}),
      maxAttempts: values.KEYWARD_EXECUTOR_MAX_ATTEMPTS as number,
      retryBaseMs: values.KEYWARD_EXECUTOR_RETRY_BASE_MS as number,
      retryMaxMs: Math.max(values.KEYWARD_EXECUTOR_RETRY_MAX_MS as number, values.KEYWARD_EXECUTOR_RETRY_BASE_MS as number),
      leaseSeconds: values.KEYWARD_EXECUTOR_LEASE_SECONDS as number,
      pollSeconds: values.KEYWARD_EXECUTOR_POLL_SECONDS as number,
      // Only the emulator can issue tokens as Microsoft 365's own apps; against Azure it would only fail.
      wrapProbe: mode === 'local' && (values.KEYWARD_WRAP_PROBE as boolean),
    },
    setup: { namePattern: values.KEYWARD_NAME_PATTERN as string, retentionRecheckMinutes: values.KEYWARD_RETENTION_RECHECK_MINUTES as number },
    operations: {
      ...(publicUrl ? { publicUrl: publicUrl.replace(/\/$/, '') } : {}),
      downloadTtlMinutes: values.KEYWARD_DOWNLOAD_TTL_MINUTES as number,
      coolingOffSeconds: (values.KEYWARD_TEARDOWN_COOLING_OFF_SECONDS as number | undefined) ?? (mode === 'local' ? 15 : 1800),
      tickSeconds: (values.KEYWARD_OPS_TICK_SECONDS as number | undefined) ?? (mode === 'local' ? 5 : 30),
      purgeWatchMinutes: (values.KEYWARD_PURGE_WATCH_MINUTES as number | undefined) ?? (mode === 'local' ? 0 : 360),
      healthCheckMinutes: values.KEYWARD_HEALTH_CHECK_MINUTES as number,
      shareAttestationDays: values.KEYWARD_SD_ATTESTATION_DAYS as number,
      ...(values.KEYWARD_DEP_APP_ONLY && organization ? { depAppOnly: { organization, pwshPath: values.KEYWARD_PWSH_PATH as string } } : {}),
    },
  };
  return deepFreeze(config);
}

/**
 * Where signed audit digests go: the configured directory (relative to the data directory), or by
 * default a sibling of the data directory, `<data dir>-audit-digests`. Outside the data directory,
 * so whoever copies, restores or rewrites the data directory (and the store in it) does not carry
 * the digests that would show the rewrite; ship them on to append-only storage.
 */
export function auditDigestDir(dataDir: string, configured?: string): string {
  const data = path.resolve(dataDir);
  return configured ? path.resolve(data, configured) : path.join(path.dirname(data), `${path.basename(data)}-audit-digests`);
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return ['Keyward cannot start; fix these settings:', ...problems.map((p) => `  - ${p.variable}: ${p.message}`)].join('\n');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const member of Object.values(value as Record<string, unknown>)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
