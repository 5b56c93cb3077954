import { LOCAL_IDENTITIES, LOCAL_M365_SERVICE_PRINCIPALS, LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS, LOCAL_TENANT_ID } from '../core';
import type { EmulatorSeed } from './model/emulatorModel';
import { MANDATORY_RETENTION_FEATURE } from './model/records';

/**
 * The local tenant from src/core/localTenant.ts: primary and secondary subscriptions Enabled with
 * the mandatory retention period Registered, the sandbox Enabled without it, Keyward's identities,
 * the playground people and the Microsoft 365 service principals.
 */
export function defaultSeed(): EmulatorSeed {
  return {
    tenantId: LOCAL_TENANT_ID,
    subscriptions: [
      { ...LOCAL_SUBSCRIPTIONS.primary, state: 'Enabled', features: { [MANDATORY_RETENTION_FEATURE]: 'Registered' } },
      { ...LOCAL_SUBSCRIPTIONS.secondary, state: 'Enabled', features: { [MANDATORY_RETENTION_FEATURE]: 'Registered' } },
      { ...LOCAL_SUBSCRIPTIONS.unregistered, state: 'Enabled', features: { [MANDATORY_RETENTION_FEATURE]: 'NotRegistered' } },
    ],
    principals: [
      ...Object.values(LOCAL_IDENTITIES).map((identity) => ({ ...identity })),
      ...Object.values(LOCAL_PEOPLE).map(({ objectId, displayName, kind }) => ({ objectId, displayName, kind })),
      ...LOCAL_M365_SERVICE_PRINCIPALS.map(({ appId, objectId, displayName }) => ({ objectId, clientId: appId, displayName, kind: 'ServicePrincipal' as const })),
    ],
  };
}
