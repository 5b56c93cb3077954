import { z } from 'zod';

/**
 * Every environment variable Keyward reads, in one table: name, schema (with its default), and the
 * line that documents it in `.env.sample`. A test keeps `.env.sample` and this table in step.
 * Secrets have no default. Empty strings count as "not set", as in most .env tooling.
 */
export interface SettingSpec {
  /** Environment variable name. */
  name: string;
  /** zod schema applied to the raw string (or undefined when unset). */
  schema: z.ZodTypeAny;
  /** One line for .env.sample and the README configuration table. */
  doc: string;
  /** Shown as the example value in .env.sample; never a real secret. */
  example?: string;
  secret?: boolean;
}

const optionalString = z.string().trim().min(1).optional();
const guid = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID such as 00000000-0000-0000-0000-000000000000');
const port = (fallback: number) => z.coerce.number().int('must be a whole number').min(0).max(65535).default(fallback);
const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );
const httpsUrl = () =>
  z
    .string()
    .trim()
    .url('must be a URL')
    .refine((value) => value.startsWith('https://'), 'must start with https:// (the Azure SDKs refuse bearer tokens over http)')
    .optional();
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { errorMap: () => ({ message: 'must be true or false' }) })
    .optional()
    .transform((value) => (value === undefined ? fallback : ['true', '1', 'yes'].includes(value)));

export const SETTINGS = [
  // --- server
  { name: 'PORT', schema: port(3978), doc: 'Port of the bot endpoint (/api/messages, /healthz).', example: '3978' },
  {
    name: 'KEYWARD_HOST',
    schema: optionalString,
    doc: 'Address the bot binds to. Local mode: 127.0.0.1 (anything else is refused). Production default: 0.0.0.0.',
    example: '127.0.0.1',
  },
  {
    name: 'KEYWARD_DATA_DIR',
    schema: z.string().trim().min(1).default('.data'),
    doc: 'Directory for the SQLite store, emulator state, certificates and backups.',
    example: '.data',
  },
  { name: 'KEYWARD_LOG_LEVEL', schema: z.enum(['debug', 'info', 'warn', 'error']).default('info'), doc: 'Log level: debug, info, warn or error.', example: 'info' },
  {
    name: 'KEYWARD_SHUTDOWN_GRACE_MS',
    schema: z.coerce.number().int().min(0).max(120000).default(10000),
    doc: 'How long shutdown waits for in-flight turns before closing the store.',
    example: '10000',
  },
  // --- store
  {
    name: 'KEYWARD_STORE',
    schema: z.enum(['sqlite', 'postgres'], { errorMap: () => ({ message: 'must be sqlite or postgres' }) }).default('sqlite'),
    doc: 'Where Keyward keeps its state: sqlite (one file in the data directory; one instance) or postgres (Azure Database for PostgreSQL flexible server; several instances at once).',
    example: 'sqlite',
  },
  {
    name: 'KEYWARD_POSTGRES_URL',
    schema: optionalString,
    doc: 'PostgreSQL connection string for KEYWARD_STORE=postgres: postgres://<role>@<server>.postgres.database.azure.com:5432/<database> (no password in Azure: Keyward signs in with its managed identity). Locally without it, npm start runs a PostgreSQL server under the data directory.',
    example: '',
    secret: true,
  },
  {
    name: 'KEYWARD_POSTGRES_AUTH',
    schema: z.enum(['entra', 'password'], { errorMap: () => ({ message: 'must be entra or password' }) }).optional(),
    doc: "How Keyward signs in to PostgreSQL: entra (the managed identity's Microsoft Entra token as the password; TLS; the production default) or password (the one in KEYWARD_POSTGRES_URL; the local default).",
    example: '',
  },
  {
    name: 'KEYWARD_POSTGRES_CLIENT_ID',
    schema: guid.optional(),
    doc: 'Client id of the user-assigned managed identity whose Entra token signs in to PostgreSQL (default: KEYWARD_WRITER_CLIENT_ID). Its database role is the user in KEYWARD_POSTGRES_URL.',
    example: '',
  },
  {
    name: 'KEYWARD_POSTGRES_POOL_SIZE',
    schema: z.coerce.number().int('must be a whole number').min(2).max(100).default(10),
    doc: 'Connections each Keyward instance keeps to PostgreSQL (each unit of work holds one while it runs).',
    example: '10',
  },
  {
    name: 'KEYWARD_UNSAFE_SQLITE_ON_NETWORK_SHARE',
    schema: bool(false),
    doc: "UNSAFE: let production keep the SQLite store on a network file system (SMB, NFS — App Service's /home is one), where SQLite's locking is not reliable and state can be corrupted or a vote counted twice. Use KEYWARD_STORE=postgres instead.",
    example: 'false',
  },
  // --- telemetry (traces, metrics; logs carry trace_id/span_id)
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
    schema: optionalString,
    doc: 'Application Insights connection string: traces and metrics go to Azure Monitor (@azure/monitor-opentelemetry). Unset: KEYWARD_TELEMETRY decides.',
    example: '',
    secret: true,
  },
  {
    name: 'KEYWARD_TELEMETRY',
    schema: z.enum(['none', 'console', 'otlp']).default('none'),
    doc: 'Without Application Insights: none (no tracing, no cost), console (spans and metrics printed on the console, beside the log) or otlp (sent to KEYWARD_OTLP_ENDPOINT, e.g. a local Jaeger or OpenTelemetry Collector).',
    example: 'none',
  },
  {
    name: 'KEYWARD_OTLP_ENDPOINT',
    schema: z.string().trim().url('must be a URL').default('http://127.0.0.1:4318'),
    doc: 'OTLP/HTTP endpoint for KEYWARD_TELEMETRY=otlp (traces go to /v1/traces, metrics to /v1/metrics).',
    example: 'http://127.0.0.1:4318',
  },
  {
    name: 'KEYWARD_METRICS_EXPORT_SECONDS',
    schema: z.coerce.number().int('must be a whole number').min(1).max(3600).default(60),
    doc: 'How often metrics are exported (seconds).',
    example: '60',
  },
  {
    name: 'KEYWARD_READINESS_TOKEN_CHECK_SECONDS',
    schema: z.coerce.number().int('must be a whole number').min(10).max(86400).default(300),
    doc: '/readyz: how long a token check of the writer and reader identities is reused before it is repeated in the background (a probe never waits for Azure).',
    example: '300',
  },
  // --- Bot Framework / Teams
  {
    name: 'MicrosoftAppId',
    schema: guid.optional().or(z.literal('').transform(() => undefined)),
    doc: 'Bot app id (for UserAssignedMSI: the managed identity client id). Empty = local mode, anonymous, loopback only.',
    example: '',
  },
  {
    name: 'MicrosoftAppType',
    schema: z.enum(['UserAssignedMSI', 'SingleTenant']).optional(),
    doc: 'UserAssignedMSI (recommended in Azure) or SingleTenant (app registration + secret, e.g. for a tunnel to real Teams).',
    example: 'UserAssignedMSI',
  },
  { name: 'MicrosoftAppTenantId', schema: guid.optional(), doc: 'Entra tenant id of the bot; required in production.', example: '' },
  { name: 'MicrosoftAppPassword', schema: optionalString, doc: 'Client secret, only for MicrosoftAppType=SingleTenant. Never commit it.', example: '', secret: true },
  {
    name: 'KEYWARD_ALLOWED_TENANTS',
    schema: csv,
    doc: 'Comma-separated tenant ids whose activities are served (default: MicrosoftAppTenantId; locally the local tenant).',
    example: '',
  },
  // --- Azure
  {
    name: 'KEYWARD_AZURE_ARM_ENDPOINT',
    schema: httpsUrl(),
    doc: 'Azure Resource Manager endpoint. Default: https://management.azure.com; local mode: the local emulator, https://localhost:<KEYWARD_EMULATOR_PORT> (anything not on loopback is refused).',
    example: '',
  },
  {
    name: 'KEYWARD_AZURE_GRAPH_ENDPOINT',
    schema: httpsUrl(),
    doc: 'Microsoft Graph endpoint, used to resolve service principal object ids. Default: https://graph.microsoft.com; local mode: the emulator, https://graph.localhost:<KEYWARD_EMULATOR_PORT>.',
    example: '',
  },
  { name: 'KEYWARD_AZURE_TENANT_ID', schema: guid.optional(), doc: 'Tenant of the Customer Key subscriptions (default: MicrosoftAppTenantId).', example: '' },
  {
    name: 'KEYWARD_WRITER_CLIENT_ID',
    schema: guid.optional(),
    doc: "Client id of the user-assigned managed identity that runs approved plans (writer). Local mode default: the emulator's keyward-writer identity.",
    example: '',
  },
  {
    name: 'KEYWARD_READER_CLIENT_ID',
    schema: guid.optional(),
    doc: "Client id of the managed identity used for read-only preflight and health checks (default: the writer; local mode: the emulator's keyward-reader identity).",
    example: '',
  },
  {
    name: 'KEYWARD_VAULT_KEY_ROLE_ID',
    schema: guid.optional(),
    doc: 'Id (GUID) of the custom role from infra/keywardRoles.bicep (read, create, back up keys; no delete or purge) that setup gives Keyward on RBAC vaults. Unset: Key Vault Crypto Officer, which includes key delete and purge.',
    example: '',
  },
  {
    name: 'KEYWARD_NAME_PATTERN',
    schema: z.string().trim().min(1).default('{kind}-ck-{workload}-{site}-{nn}'),
    doc: "Your naming pattern for the vaults and Managed HSMs setup suggests (checked for availability): {kind} kv or hsm, {workload} mw/ex/sp, {site} a or b, {nn} 01, 02, … Put your organisation's prefix in it, e.g. {kind}-contoso-ck-{workload}-{site}{nn}.",
    example: '{kind}-ck-{workload}-{site}-{nn}',
  },
  {
    name: 'KEYWARD_RETENTION_RECHECK_MINUTES',
    schema: z.coerce.number().int('must be a whole number').min(0).max(10080).default(60),
    doc: 'How often a setup waiting for Microsoft to confirm the mandatory retention period is checked again by Keyward itself; when Microsoft has confirmed it, the operator is told in the setup\'s chat (minutes; 0 = only when the operator presses "Run the checks again").',
    example: '60',
  },
  {
    name: 'KEYWARD_M365_SP_OBJECT_IDS',
    schema: csv,
    doc: 'Optional appId=objectId pairs for the Microsoft 365 service principals, when Keyward may not read Microsoft Graph.',
    example: '',
  },
  // --- local stack
  { name: 'KEYWARD_EMULATOR_PORT', schema: port(8443), doc: 'HTTPS port of the local Azure emulator (local mode).', example: '8443' },
  {
    name: 'KEYWARD_EMULATOR_SOFT_DELETE_WINDOW_MS',
    schema: z.coerce.number().int('must be a whole number').min(0).max(600000).default(0),
    doc: 'Emulator: how long a key soft delete or recover stays in progress (Azure: a few seconds, the deleted or recovered key answering 404 meanwhile); 0 = at once, for the demo.',
    example: '0',
  },
  { name: 'KEYWARD_PLAYGROUND_PORT', schema: port(56150), doc: 'Port of the Microsoft 365 Agents Playground started by npm start.', example: '56150' },
  { name: 'KEYWARD_PLAYGROUND', schema: bool(true), doc: 'Start the Agents Playground with npm start (false to run bot and emulator only).', example: 'true' },
  {
    name: 'KEYWARD_LOCAL_UNSAFE_REAL_AZURE',
    schema: bool(false),
    doc: 'UNSAFE, local mode only: let the anonymous local bot (no sign-in: whoever reaches its port can act as anyone and approve plans) use Azure endpoints other than the local emulator, and your developer login (DefaultAzureCredential, e.g. az login) when no client id is set. Logged as a warning at every start. Use a tunnel with MicrosoftAppType=SingleTenant instead.',
    example: 'false',
  },
  {
    name: 'KEYWARD_PLAYGROUND_USER',
    schema: z.enum(['operator', 'approverAlex', 'approverBruno', 'approverChen', 'approverDana', 'observer']).default('operator'),
    doc: 'Who you are in the playground UI: operator, approverAlex, approverBruno, approverChen, approverDana or observer.',
    example: 'operator',
  },
  // --- approvals, execution, storage of artefacts
  {
    name: 'KEYWARD_POLICY_FILE',
    schema: optionalString,
    doc: 'Approval policy file (JSON). Local default: config/policy.local.json. Required in production.',
    example: 'config/policy.local.json',
  },
  {
    name: 'KEYWARD_APPROVALS_TICK_SECONDS',
    schema: z.coerce.number().int('must be a whole number').min(0).max(3600).default(30),
    doc: 'How often Keyward expires overdue approval requests and sends reminders (seconds; 0 = never; votes check expiry themselves).',
    example: '30',
  },
  {
    name: 'KEYWARD_AUDIT_DIGEST_MINUTES',
    schema: z.coerce.number().int('must be a whole number').min(0).max(1440).default(60),
    doc: 'How often Keyward signs a digest of the audit log when something new was logged (also at shutdown); minutes, 0 = never.',
    example: '60',
  },
  {
    name: 'KEYWARD_AUDIT_DIGEST_DIR',
    schema: optionalString,
    doc: 'Where signed audit digests are written, one file each, never rewritten (default: beside the data directory, <data dir>-audit-digests, so a copy or restore of the data directory does not carry them). Ship them to append-only storage.',
    example: '',
  },
  {
    name: 'KEYWARD_SIGNING_KEY_ID',
    schema: httpsUrl(),
    doc: 'Key Vault or Managed HSM key (EC P-256, e.g. https://<vault>.vault.azure.net/keys/<name>) that signs every submission, vote, decision and audit digest, used through the writer managed identity (keys get + sign); no signing secret on the host. Required in production; local mode: optional (default: the Ed25519 key file).',
    example: '',
  },
  {
    name: 'KEYWARD_AUDIT_SIGNING_KEY_FILE',
    schema: optionalString,
    doc: 'Local mode only: the Ed25519 private key (PEM) that signs votes, decisions and audit digests, made on first start (default: <data dir>/audit/digest-signing-key.pem; public half beside it as .pub.pem). Production uses KEYWARD_SIGNING_KEY_ID.',
    example: '',
  },
  {
    name: 'KEYWARD_SECURITY_DOMAIN_KEY_ID',
    schema: httpsUrl(),
    doc: 'Key Vault or Managed HSM key (RSA, e.g. https://<vault>.vault.azure.net/keys/<name>) that wraps the at-rest keys of stored security domains, used through the writer managed identity (keys get, wrapKey, unwrapKey). Required in production before an HSM is activated; local mode: optional (default: a key file in the data directory).',
    example: '',
  },
  {
    name: 'KEYWARD_APPROVER_ACTIVE_DAYS',
    schema: z.coerce.number().int('must be a whole number').min(1).max(3650).default(90),
    doc: 'An approver counts as active with an audited action (request, vote, attestation…) this many days back; the policy card warns when a rule could not be met by active approvers.',
    example: '90',
  },
  { name: 'KEYWARD_BACKUP_DIR', schema: optionalString, doc: 'Where key backups are written (default: <data dir>/backups). Never chat.', example: '' },
  {
    name: 'KEYWARD_SECURITY_DOMAIN_DIR',
    schema: optionalString,
    doc: 'Where downloaded Managed HSM security domains are stored, encrypted at rest (default: <data dir>/security-domains). Never chat.',
    example: '',
  },
  {
    name: 'KEYWARD_EXECUTOR_MAX_ATTEMPTS',
    schema: z.coerce.number().int('must be a whole number').min(1).max(20).default(6),
    doc: 'Attempts per plan step on throttling, 5xx or dropped connections before the run stops and offers Retry.',
    example: '6',
  },
  {
    name: 'KEYWARD_EXECUTOR_RETRY_BASE_MS',
    schema: z.coerce.number().int('must be a whole number').min(10).max(60000).default(1000),
    doc: "First retry back-off in ms (doubles per attempt, with jitter; never shorter than Azure's Retry-After).",
    example: '1000',
  },
  {
    name: 'KEYWARD_EXECUTOR_RETRY_MAX_MS',
    schema: z.coerce.number().int('must be a whole number').min(100).max(600000).default(60000),
    doc: 'Longest single retry back-off in ms.',
    example: '60000',
  },
  {
    name: 'KEYWARD_EXECUTOR_LEASE_SECONDS',
    schema: z.coerce.number().int('must be a whole number').min(5).max(3600).default(60),
    doc: 'Lease of a run held by one bot process (renewed every third of it); another process takes over a run only after it lapses.',
    example: '60',
  },
  {
    name: 'KEYWARD_EXECUTOR_POLL_SECONDS',
    schema: z.coerce.number().min(0.01).max(300).default(10),
    doc: 'How often a Managed HSM being provisioned is polled (Azure takes up to ~25 minutes).',
    example: '10',
  },
  {
    name: 'KEYWARD_WRAP_PROBE',
    schema: bool(true),
    doc: 'Local mode: prove each key with a real wrap/unwrap as each Microsoft 365 service principal during readiness checks (needs the emulator; ignored in production).',
    example: 'true',
  },
  // --- DEPs, key roll, teardown, health
  {
    name: 'KEYWARD_PUBLIC_URL',
    schema: z.string().trim().url('must be a URL such as https://keyward.contoso.com').optional(),
    doc: "Public base URL of this bot (https), used for short-lived script download links (/downloads/...). Local default: the bot's own loopback URL; production without it: scripts are shown on the card only.",
    example: '',
  },
  {
    name: 'KEYWARD_DOWNLOAD_TTL_MINUTES',
    schema: z.coerce.number().int('must be a whole number').min(1).max(1440).default(60),
    doc: 'How long a script download link works (minutes; it also stops after 10 downloads).',
    example: '60',
  },
  {
    name: 'KEYWARD_TEARDOWN_COOLING_OFF_SECONDS',
    schema: z.coerce.number().int('must be a whole number').min(0).max(604800).optional(),
    doc: "Cooling-off after a teardown is approved, with a Cancel button, before anything is deleted (seconds). Default: 1800 in production, 15 locally. Must be shorter than the destructive rule's execution window.",
    example: '',
  },
  {
    name: 'KEYWARD_OPS_TICK_SECONDS',
    schema: z.coerce.number().int('must be a whole number').min(0).max(3600).optional(),
    doc: 'How often Keyward ends cooling-offs, watches scheduled purges and sends rotation reminders (seconds; 0 = never). Default: 30 in production, 5 locally.',
    example: '',
  },
  {
    name: 'KEYWARD_PURGE_WATCH_MINUTES',
    schema: z.coerce.number().int('must be a whole number').min(0).max(1440).optional(),
    doc: 'Before its scheduled purge date, how often a soft-deleted vault or HSM is looked up (minutes; after the date: every tick). Default: 360 in production, 0 (every tick) locally.',
    example: '',
  },
  {
    name: 'KEYWARD_HEALTH_CHECK_MINUTES',
    schema: z.coerce.number().int('must be a whole number').min(0).max(10080).default(60),
    doc: "How often every key Keyward knows is re-checked against the Customer Key rules; drift is posted to the approvers' and the operator's chats (minutes; 0 = off).",
    example: '60',
  },
  {
    name: 'KEYWARD_SD_ATTESTATION_DAYS',
    schema: z.coerce.number().int('must be a whole number').min(0).max(3650).default(90),
    doc: 'How often the holders of a Managed HSM security-domain share are asked to confirm they still hold it (days; 0 = never). The card says when fewer than the quorum can be counted on.',
    example: '90',
  },
  {
    name: 'KEYWARD_DEP_APP_ONLY',
    schema: bool(false),
    doc: 'Let Keyward run the multi-workload and Exchange DEP cmdlets itself after approval (pwsh + Connect-ExchangeOnline -ManagedIdentity). Off by default; SharePoint always stays operator-run.',
    example: 'false',
  },
  {
    name: 'KEYWARD_EXCHANGE_ORGANIZATION',
    schema: optionalString,
    doc: "The tenant's initial domain for Connect-ExchangeOnline -Organization (e.g. contoso.onmicrosoft.com); required with KEYWARD_DEP_APP_ONLY.",
    example: '',
  },
  {
    name: 'KEYWARD_PWSH_PATH',
    schema: z.string().trim().min(1).default('pwsh'),
    doc: 'PowerShell 7 executable for KEYWARD_DEP_APP_ONLY (needs the ExchangeOnlineManagement module).',
    example: 'pwsh',
  },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]['name'];
