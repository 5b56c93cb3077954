import { LOCAL_TENANT_ID } from '../../core';
import { json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';

/**
 * Microsoft Graph `GET /v1.0/subscribedSkus` for the local tenant: one Microsoft 365 E5
 * subscription whose service plans include Customer Key, shaped as the subscribedSku resource
 * (https://learn.microsoft.com/graph/api/subscribedsku-list). Graph supports only `$select` here
 * (no `$filter`); the emulator answers every property and ignores `$select`, as the SDKs do not
 * depend on trimming.
 */
export const LOCAL_SUBSCRIBED_SKUS = [
  {
    accountName: 'Contoso',
    accountId: LOCAL_TENANT_ID,
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    consumedUnits: 212,
    id: `${LOCAL_TENANT_ID}_06ebc4ee-1bb5-47dd-8120-11324bc54e06`,
    skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
    skuPartNumber: 'SPE_E5',
    subscriptionIds: ['a3f2c1d0-5e6b-4c7a-8d9e-0f1a2b3c4d5e'],
    prepaidUnits: { enabled: 250, suspended: 0, warning: 0, lockedOut: 0 },
    servicePlans: [
      { servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0', servicePlanName: 'EXCHANGE_S_ENTERPRISE', provisioningStatus: 'Success', appliesTo: 'User' },
      { servicePlanId: '6db1f1db-2b46-403f-be40-e39395f08dbb', servicePlanName: 'CUSTOMER_KEY', provisioningStatus: 'Success', appliesTo: 'User' },
    ],
  },
] as const;

export function subscribedSkusRoutes(): Route[] {
  return [
    route('GET', /^\/v1\.0\/subscribedSkus$/i, (request) => json(200, { '@odata.context': `${request.origin}/v1.0/$metadata#subscribedSkus`, value: LOCAL_SUBSCRIBED_SKUS })),
  ];
}
