import type { JourneyEntry } from './cards/welcomeCard';

/**
 * The journeys the welcome card offers, in the order an operator meets them. `available` is
 * computed from the commands actually registered, so the card never offers a dead button.
 */
export const JOURNEYS: ReadonlyArray<Omit<JourneyEntry, 'available'>> = [
  { command: 'setup', title: 'Set up Customer Key', description: 'Key Vault Premium or Managed HSM, two subscriptions, keys and permissions: from choice to an approvable plan.' },
  { command: 'status', title: 'Status', description: 'Your journeys, requests, vaults, HSMs, keys and policies, with their readiness.' },
  { command: 'approvals', title: 'Approvals', description: 'Requests waiting for a decision, and the approval policy.' },
  { command: 'dep', title: 'Data Encryption Policy', description: 'Ready-to-run PowerShell for the tenant, Exchange or SharePoint policy, and recording its state.' },
  { command: 'roll', title: 'Key roll', description: 'A new version of key A or key B, one at a time, with the matching refresh cmdlet.' },
  { command: 'teardown', title: 'Teardown', description: 'Delete and purge a vault or Managed HSM, with a cooling-off period and billing confirmation.' },
];

export function journeyEntries(registeredCommands: ReadonlySet<string>): JourneyEntry[] {
  return JOURNEYS.map((journey) => ({ ...journey, available: registeredCommands.has(journey.command) }));
}
