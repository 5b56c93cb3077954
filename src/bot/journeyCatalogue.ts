import type { JourneyEntry } from './cards/welcomeCard';

/**
 * The journeys the welcome card offers, in the order an operator meets them. Their titles and
 * descriptions are in the message catalogue (`journey.<command>.title`). `available` is computed
 * from the commands actually registered, so the card never offers a dead button.
 */
export const JOURNEYS: ReadonlyArray<Omit<JourneyEntry, 'available'>> = [
  { command: 'setup' },
  { command: 'status' },
  { command: 'approvals' },
  { command: 'dep' },
  { command: 'roll' },
  { command: 'teardown' },
];

export function journeyEntries(registeredCommands: ReadonlySet<string>): JourneyEntry[] {
  return JOURNEYS.map((journey) => ({ ...journey, available: registeredCommands.has(journey.command) }));
}
