/**
 * Data Encryption Policy (DEP) requests and references. A DEP scope is one of the three workloads.
 * Source: facts §2 ([S9]–[S12]).
 */
import { say, type Message, type Text } from '../core';
import type { Workload } from './workloads';

/** Which DEP: the multi-workload (tenant) DEP, an Exchange mailbox DEP, or a SharePoint geo DEP. */
export type DepScope = Workload;

/** One key of a DEP as the operator supplies it. */
export interface DepKeyInput {
  /** Key identifier in any form `parseKeyIdentifier` accepts (versioned or not, :443, …). */
  readonly uri: string;
  /** Subscription that holds the key (the onboarding validation asks for it). */
  readonly subscriptionId: string;
}

/** Onboarding-service validation settings (module M365CustomerKeyOnboarding). */
export interface OnboardingOptions {
  /** Emit the `New-CustomerKeyOnboardingRequest … -OnboardingMode Validate` step first (default true). */
  readonly validate?: boolean;
  /**
   * How the module takes keys. `keyIdentifier` (`-KeyIdentifier1/2`, module ≥ 1.1.0, needed for
   * Managed HSM keys) is the default; `vaultAndKeyName` (`-VaultName1/-KeyName1`, module 1.0.x)
   * only works for Key Vault keys. UNCONFIRMED which versions are current.
   */
  readonly parameterStyle?: 'keyIdentifier' | 'vaultAndKeyName';
  /**
   * `-Scenario` value per scope. `MDEP` for multi-workload is seen in practice; `EXO` and `SPO`
   * are UNCONFIRMED defaults and can be overridden here.
   */
  readonly scenarios?: Partial<Record<DepScope, string>>;
}

/** How the script connects to Exchange Online. */
export type ExchangeConnection =
  | { readonly kind: 'interactive' }
  /** App-only with the executor's managed identity (`Connect-ExchangeOnline -ManagedIdentity`). */
  | {
      readonly kind: 'managedIdentity';
      readonly organization: string;
      /**
       * Client id of a user-assigned managed identity (`-ManagedIdentityAccountId`); Keyward's
       * writer is one. Omit only for a system-assigned identity.
       */
      readonly accountId?: string;
    };

interface DepRequestCommon {
  readonly tenantId: string;
  readonly onboarding?: OnboardingOptions;
}

/** Multi-workload DEP for the whole tenant: create, then assign. */
export interface MultiWorkloadDepRequest extends DepRequestCommon {
  readonly scope: 'multiWorkload';
  readonly policyName: string;
  readonly description?: string;
  /** Key A then key B. */
  readonly keys: readonly [DepKeyInput, DepKeyInput];
  readonly connection?: ExchangeConnection;
}

/** Exchange mailbox DEP: create, then assign to all mailboxes or to a list. */
export interface ExchangeDepRequest extends DepRequestCommon {
  readonly scope: 'exchange';
  readonly policyName: string;
  readonly description?: string;
  readonly keys: readonly [DepKeyInput, DepKeyInput];
  readonly mailboxes: { readonly all: true } | { readonly list: readonly string[] };
  readonly connection?: ExchangeConnection;
}

/** One SharePoint geo's DEP: its admin URL and its two keys, each with its version. */
export interface SharePointGeoDep {
  /** `https://<tenant>-admin.sharepoint.com` (multi-geo: the geo's admin URL). */
  readonly adminUrl: string;
  /** Key A: a versioned key identifier (SharePoint needs vault name, key name and version). */
  readonly primary: DepKeyInput;
  /** Key B, versioned. */
  readonly secondary: DepKeyInput;
}

/** SharePoint/OneDrive/Teams files DEP, one per geo. Always run by an operator. */
export interface SharePointDepRequest extends DepRequestCommon {
  readonly scope: 'sharePoint';
  readonly geos: readonly SharePointGeoDep[];
}

export type DepRequest = MultiWorkloadDepRequest | ExchangeDepRequest | SharePointDepRequest;

/** A DEP that exists, as other steps refer to it. */
export type DepRef =
  | { readonly scope: 'multiWorkload'; readonly policyName: string }
  | { readonly scope: 'exchange'; readonly policyName: string }
  | { readonly scope: 'sharePoint'; readonly adminUrl: string };

/** Which keys a DEP uses (observed), for the refusal to delete keys in use. */
export interface DepKeyUsage {
  readonly dep: DepRef;
  /** Key identifiers in any accepted form. */
  readonly keyUris: readonly string[];
}

/** Who runs a DEP script. SharePoint is always operator-run (app-only SPO is UNCONFIRMED). */
export type DepRunner = 'operator' | 'executor';

/** A generated, ready-to-run PowerShell script. */
export interface DepScript {
  readonly scope: DepScope;
  readonly purpose: 'create' | 'refresh' | 'offboard' | 'onboard';
  readonly title: Message;
  /** Suggested file name (`keyward-dep-exchange-Contoso-EX.ps1`). */
  readonly fileName: string;
  /** PowerShell modules the script imports. */
  readonly modules: readonly string[];
  /** Admin roles the person (or identity) running it needs. */
  readonly adminRoles: readonly Text[];
  readonly script: string;
  /** SHA-256 of `script`, so an approval can pin the exact text. */
  readonly sha256: string;
  /** What in this script rests on UNCONFIRMED facts. */
  readonly unconfirmed: readonly Message[];
  /** The Get- cmdlets whose output the operator pastes back. */
  readonly verifyCommands: readonly string[];
  /** Steps left out because this script runs unattended, each with why (shown on the card). */
  readonly leftOut: readonly Message[];
}

/** Describes a DEP for messages. */
export function describeDep(dep: DepRef): Message {
  switch (dep.scope) {
    case 'multiWorkload':
      return say('dep.name.multiWorkload', `multi-workload DEP '${dep.policyName}'`, { name: dep.policyName });
    case 'exchange':
      return say('dep.name.exchange', `Exchange mailbox DEP '${dep.policyName}'`, { name: dep.policyName });
    case 'sharePoint':
      return say('dep.name.sharePoint', `SharePoint DEP of ${dep.adminUrl}`, { adminUrl: dep.adminUrl });
  }
}
