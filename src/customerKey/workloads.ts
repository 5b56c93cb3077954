/**
 * The three Customer Key workloads (one Data Encryption Policy type each) and the Microsoft 365
 * service principals that must reach their keys.
 *
 * Source: customer-key-facts.md §0.5, §1.3, §1.8, §2 ([S2], [S4], [S7], [S9]–[S11]).
 */
import { say, type Message } from '../core';

/**
 * A Customer Key workload, i.e. a DEP type.
 * - `multiWorkload`: tenant-wide DEP (Teams chats/media, Exchange signal data, mailboxes without a
 *   mailbox DEP, Purview data). Not SharePoint/OneDrive/Teams files.
 * - `exchange`: mailbox DEPs assigned to mailboxes (up to 50 per tenant).
 * - `sharePoint`: SharePoint, OneDrive and Teams files; one DEP per geo.
 */
export type Workload = 'multiWorkload' | 'exchange' | 'sharePoint';

/** All workloads in their canonical order (plans and specs always list them in this order). */
export const WORKLOADS: readonly Workload[] = ['multiWorkload', 'exchange', 'sharePoint'];

export function isWorkload(value: string): value is Workload {
  return (WORKLOADS as readonly string[]).includes(value);
}

/** A Microsoft first-party application whose service principal gets key access. */
export interface M365ServicePrincipal {
  /** Application (client) id: the same in every tenant. */
  readonly appId: string;
  /** Display name in Entra ID. */
  readonly displayName: string;
  /** Short stable token used in step ids (`grantKeyAccess:A:exchange:exchangeOnline`). */
  readonly token: string;
}

/** Office 365 Exchange Online — mailbox DEPs. */
export const EXCHANGE_ONLINE_SP: M365ServicePrincipal = {
  appId: '00000002-0000-0ff1-ce00-000000000000',
  displayName: 'Office 365 Exchange Online',
  token: 'exchangeOnline',
};

/** Office 365 SharePoint Online — SharePoint/OneDrive/Teams files DEPs. */
export const SHAREPOINT_ONLINE_SP: M365ServicePrincipal = {
  appId: '00000003-0000-0ff1-ce00-000000000000',
  displayName: 'Office 365 SharePoint Online',
  token: 'sharePointOnline',
};

/** M365DataAtRestEncryption — the multi-workload DEP. */
export const M365_DATA_AT_REST_ENCRYPTION_SP: M365ServicePrincipal = {
  appId: 'c066d759-24ae-40e7-a56f-027002b5d3e4',
  displayName: 'M365DataAtRestEncryption',
  token: 'm365DataAtRestEncryption',
};

/**
 * Customer Key Onboarding app used by `New-CustomerKeyOnboardingRequest`.
 * UNCONFIRMED: this app id comes only from community guides (facts §1.7), so Keyward reports a
 * missing registration as a warning, never as a blocker.
 */
export const CUSTOMER_KEY_ONBOARDING_SP: M365ServicePrincipal = {
  appId: '19f7f505-34aa-44a4-9dcc-6a768854d2ea',
  displayName: 'Customer Key Onboarding (UNCONFIRMED app id)',
  token: 'customerKeyOnboarding',
};

/** The three service principals that get key access, in workload order. */
export const M365_SERVICE_PRINCIPALS: readonly M365ServicePrincipal[] = [M365_DATA_AT_REST_ENCRYPTION_SP, EXCHANGE_ONLINE_SP, SHAREPOINT_ONLINE_SP];

/** What each workload is, in the words the cards use, and what it needs. */
export interface WorkloadInfo {
  readonly workload: Workload;
  readonly displayName: string;
  /** What the DEP encrypts, in one sentence. */
  readonly covers: string;
  /** The only service principal that gets get/wrapKey/unwrapKey on this workload's keys. */
  readonly servicePrincipal: M365ServicePrincipal;
  /** Short token used in default resource names (`ck-ex-…`). */
  readonly shortName: string;
  /** How the DEP cmdlet takes the keys. */
  readonly keyForm: 'keyUris' | 'vaultKeyVersion';
  /** PowerShell module that holds the DEP cmdlets. */
  readonly module: string;
  /** Admin role that may run the DEP cmdlets. */
  readonly adminRole: string;
}

export const WORKLOAD_INFO: Readonly<Record<Workload, WorkloadInfo>> = {
  multiWorkload: {
    workload: 'multiWorkload',
    displayName: 'Multi-workload (whole tenant)',
    covers: 'Teams chats, media and recordings in Teams storage, Exchange signal data, mailboxes without a mailbox DEP and Purview data; not SharePoint, OneDrive or Teams files.',
    servicePrincipal: M365_DATA_AT_REST_ENCRYPTION_SP,
    shortName: 'mw',
    keyForm: 'keyUris',
    module: 'ExchangeOnlineManagement',
    adminRole: 'Compliance Administrator',
  },
  exchange: {
    workload: 'exchange',
    displayName: 'Exchange mailboxes',
    covers: 'The mailboxes you assign the policy to (up to 50 mailbox DEPs per tenant, one DEP per mailbox).',
    servicePrincipal: EXCHANGE_ONLINE_SP,
    shortName: 'ex',
    keyForm: 'keyUris',
    module: 'ExchangeOnlineManagement',
    adminRole: 'Compliance Administrator',
  },
  sharePoint: {
    workload: 'sharePoint',
    displayName: 'SharePoint, OneDrive and Teams files',
    covers: 'All SharePoint, OneDrive and Teams files in one geo (one DEP per geo). Cannot be rolled back to Microsoft-managed keys.',
    servicePrincipal: SHAREPOINT_ONLINE_SP,
    shortName: 'sp',
    keyForm: 'vaultKeyVersion',
    module: 'Microsoft.Online.SharePoint.PowerShell',
    adminRole: 'SharePoint Administrator',
  },
};

/** A workload's name in the reader's language (the catalogue's `workload.<id>.name`). */
export function workloadName(workload: Workload): Message {
  const name = WORKLOAD_INFO[workload].displayName;
  switch (workload) {
    case 'multiWorkload':
      return say('workload.multiWorkload.name', name);
    case 'exchange':
      return say('workload.exchange.name', name);
    case 'sharePoint':
      return say('workload.sharePoint.name', name);
  }
}

/** The service principal that must reach the keys of a workload. */
export function servicePrincipalFor(workload: Workload): M365ServicePrincipal {
  return WORKLOAD_INFO[workload].servicePrincipal;
}

/** Sorts and de-duplicates workloads into canonical order. */
export function canonicalWorkloads(workloads: Iterable<Workload>): Workload[] {
  const set = new Set(workloads);
  return WORKLOADS.filter((w) => set.has(w));
}

/**
 * Well-known application (client) ids that people paste where an object id belongs. Keyward
 * recognises them so it can say exactly what went wrong.
 */
export const WELL_KNOWN_CLIENT_IDS: Readonly<Record<string, string>> = Object.fromEntries(
  [...M365_SERVICE_PRINCIPALS, CUSTOMER_KEY_ONBOARDING_SP].map((sp) => [sp.appId, sp.displayName]),
);
