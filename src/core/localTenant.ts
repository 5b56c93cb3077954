/**
 * The fixed identities of the local stack (`npm start`, tests, demos): one fake Entra tenant, its
 * subscriptions, Keyward's managed identities and the people in `.m365agentsplayground.yml`.
 * The emulator seeds them, the local approval policy names them, and a test keeps the playground
 * file in step with this list. None of these ids exists in any real tenant.
 */
export const LOCAL_TENANT_ID = '8f0c5e1a-7b3d-4c2e-9a61-3d2b1c0e4f5a';

export const LOCAL_SUBSCRIPTIONS = {
  /** Enabled, mandatory retention registered: home of key A. */
  primary: { id: '0b1f6471-1bf0-4dda-aec3-000000000001', displayName: 'Contoso CK Primary' },
  /** Enabled, mandatory retention registered: home of key B. */
  secondary: { id: '0b1f6471-1bf0-4dda-aec3-000000000002', displayName: 'Contoso CK Secondary' },
  /** Enabled, mandatory retention NOT registered: shows the red preflight line. */
  unregistered: { id: '0b1f6471-1bf0-4dda-aec3-000000000003', displayName: 'Contoso Sandbox' },
} as const;

export interface LocalPrincipal {
  /** Entra object id (what access policies, RBAC and activity.from.aadObjectId carry). */
  objectId: string;
  /** Application (client) id, for identities that have one. */
  clientId?: string;
  displayName: string;
  kind: 'ManagedIdentity' | 'User' | 'ServicePrincipal';
}

export const LOCAL_IDENTITIES = {
  /** Keyward's writer identity: used only by the executor for approved runs. */
  writer: {
    objectId: '5f1c0a2e-7d41-4b6a-9c3e-0000000000b1',
    clientId: '5f1c0a2e-7d41-4b6a-9c3e-0000000000a1',
    displayName: 'keyward-writer',
    kind: 'ManagedIdentity',
  },
  /** Keyward's reader identity: preflight and health checks. */
  reader: {
    objectId: '5f1c0a2e-7d41-4b6a-9c3e-0000000000b2',
    clientId: '5f1c0a2e-7d41-4b6a-9c3e-0000000000a2',
    displayName: 'keyward-reader',
    kind: 'ManagedIdentity',
  },
} as const satisfies Record<string, LocalPrincipal>;

/** People in the playground. `teamsId` is the chat user id the playground uses for them. */
export interface LocalPerson extends LocalPrincipal {
  teamsId: string;
  upn: string;
  givenName: string;
  surname: string;
}

function person(n: number, teamsId: string, givenName: string, surname: string): LocalPerson {
  return {
    objectId: `a1b2c3d4-0000-4000-8000-${String(n).padStart(12, '0')}`,
    displayName: `${givenName} ${surname}`,
    kind: 'User',
    teamsId,
    upn: `${givenName.toLowerCase()}@contoso.example`,
    givenName,
    surname,
  };
}

export const LOCAL_PEOPLE = {
  operator: person(1, 'user-operator', 'Olivia', 'Operator'),
  approverAlex: person(2, 'user-approver-alex', 'Alex', 'Approver'),
  approverBruno: person(3, 'user-approver-bruno', 'Bruno', 'Approver'),
  approverChen: person(4, 'user-approver-chen', 'Chen', 'Custodian'),
  approverDana: person(5, 'user-approver-dana', 'Dana', 'Custodian'),
  observer: person(6, 'user-observer', 'Omar', 'Observer'),
} as const;

/** The Microsoft 365 service principals Customer Key grants key access to, with local object ids. */
export const LOCAL_M365_SERVICE_PRINCIPALS = [
  { appId: '00000002-0000-0ff1-ce00-000000000000', objectId: 'c0ffee00-0000-4000-8000-000000000002', displayName: 'Office 365 Exchange Online' },
  { appId: '00000003-0000-0ff1-ce00-000000000000', objectId: 'c0ffee00-0000-4000-8000-000000000003', displayName: 'Office 365 SharePoint Online' },
  { appId: 'c066d759-24ae-40e7-a56f-027002b5d3e4', objectId: 'c0ffee00-0000-4000-8000-0000000000c0', displayName: 'M365DataAtRestEncryption' },
] as const;
