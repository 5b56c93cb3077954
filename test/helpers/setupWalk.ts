import assert from 'node:assert/strict';
import { LOCAL_PEOPLE, LOCAL_SUBSCRIPTIONS } from '../../src/core';
import type { JourneyOwner, SetupJourney } from '../../src/journeys/setupJourney';
import type { SetupJourneyService } from '../../src/journeys/setupJourneyService';

/** The sites card's answers of the local tenant: the two subscriptions ready for Customer Key, two regions. */
export const TWO_SITES = {
  'sites.A.subscriptionId': LOCAL_SUBSCRIPTIONS.primary.id,
  'sites.A.resourceGroup': 'rg-ck-a',
  'sites.A.region': 'westeurope',
  'sites.B.subscriptionId': LOCAL_SUBSCRIPTIONS.secondary.id,
  'sites.B.resourceGroup': 'rg-ck-b',
  'sites.B.region': 'swedencentral',
};

export const cardAddress = (journey: { id: string; version: number }) => ({ journeyId: journey.id, version: journey.version });

/**
 * Walks a Key Vault Premium setup for Exchange through the service, card by card, to the checks
 * (run when the custodians are given); each card must move on. `suffix` keeps vault names apart.
 */
export async function walkPremiumSetup(service: SetupJourneyService, start: SetupJourney, operator: JourneyOwner, suffix = '1234'): Promise<SetupJourney> {
  let j = await service.submitStep(cardAddress(start), operator, 'choice', { protection: 'keyVaultPremium', workloads: 'exchange' });
  assert.equal(j.stage, 'sites', JSON.stringify(j.errors));
  j = await service.submitStep(cardAddress(j), operator, 'sites', TWO_SITES);
  assert.equal(j.stage, 'names', JSON.stringify(j.errors));
  j = await service.submitStep(cardAddress(j), operator, 'names', {
    'sites.A.vaultName.exchange': `kv-ck-ex-a-${suffix}`,
    'sites.B.vaultName.exchange': `kv-ck-ex-b-${suffix}`,
    'sites.A.keyName.exchange': 'ck-ex-key-a',
    'sites.B.keyName.exchange': 'ck-ex-key-b',
    keySize: '3072',
    accessModel: 'rbac',
  });
  assert.equal(j.stage, 'approvers', JSON.stringify(j.errors));
  return service.submitStep(cardAddress(j), operator, 'approvers', { 'approvers.A': LOCAL_PEOPLE.approverChen.objectId, 'approvers.B': LOCAL_PEOPLE.approverDana.objectId });
}
