import type { KeyWrapper } from '../azure/ports';
import type { KeyUriOptions } from '../customerKey';
import { DEFAULT_RETRY_SETTINGS, type RetrySettings } from './retryPolicy';
import type { ExchangeAppOnlySettings } from './steps/powershellRunner';

/** The executor's knobs; main.ts builds them from Config. */
export interface ExecutorSettings {
  /** Where key backups are written (mode 0600 files, never chat). */
  backupDir: string;
  /** Where downloaded security domains are stored (encrypted at rest). */
  securityDomainDir: string;
  /** Local mode: the AES-256 key that encrypts stored security domains at rest (32 random bytes, mode 0600). Undefined in production. */
  securityDomainKeyFile: string | undefined;
  /** The Key Vault / Managed HSM key that wraps each stored security domain's data key (production; optional locally). */
  securityDomainWrapper?: KeyWrapper;
  retry: RetrySettings;
  /** How long a run's lease lasts without a heartbeat; heartbeats come every third of it. */
  leaseTtlMs: number;
  /** Poll interval while a Managed HSM provisions (GET on the HSM). */
  pollIntervalMs: number;
  /** At most one progress line on the cards per this interval inside a long step. */
  progressIntervalMs: number;
  /** Real wrap/unwrap as each service principal in readiness checks (the local emulator only). */
  wrapProbe: boolean;
  /** Extra key-host suffixes accepted in key ids (the emulator's `vault.localhost`). */
  keyUriOptions: KeyUriOptions;
  /**
   * Exchange Online app-only (KEYWARD_DEP_APP_ONLY): how the backend runs approved Exchange DEP
   * scripts with its managed identity. Absent = never; executor-run DEP steps then stop with what
   * to do.
   */
  exchangeAppOnly?: ExchangeAppOnlySettings;
}

export const DEFAULT_EXECUTOR_SETTINGS: Omit<ExecutorSettings, 'backupDir' | 'securityDomainDir' | 'securityDomainKeyFile'> = {
  retry: DEFAULT_RETRY_SETTINGS,
  leaseTtlMs: 60_000,
  pollIntervalMs: 10_000,
  progressIntervalMs: 15_000,
  wrapProbe: false,
  keyUriOptions: {},
};

/** Key hosts of the local emulator, accepted in key ids when Keyward runs against it. */
export const EMULATOR_KEY_URI_OPTIONS: KeyUriOptions = { extraHostSuffixes: { vault: ['vault.localhost'], managedHsm: ['managedhsm.localhost'] } };
