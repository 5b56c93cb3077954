import { actionSet, card, container, executeAction, heading, text, type AdaptiveCardJson, type CardElement } from './adaptiveCard';
import { VERBS } from './verbs';

export interface JourneyEntry {
  /** The chat command that starts it, e.g. "setup". */
  command: string;
  title: string;
  description: string;
  /** False while the journey is not built yet: shown, marked, and without a button. */
  available: boolean;
}

export interface WelcomeView {
  userName?: string;
  journeys: readonly JourneyEntry[];
  /** Local mode: say so, so nobody mistakes the emulator for their Azure tenant. */
  localMode: boolean;
}

/** The first card anyone sees: what Keyward does and where to start. Pure. */
export function renderWelcomeCard(view: WelcomeView): AdaptiveCardJson {
  const greeting = view.userName ? `Hello ${view.userName}, I'm Keyward.` : "Hello, I'm Keyward.";
  const body: CardElement[] = [
    heading('Keyward — Microsoft 365 Customer Key, from Teams'),
    text(
      `${greeting} I help you put your Microsoft 365 data at rest under your own keys: Azure Key Vault Premium or Managed HSM, two subscriptions, the right permissions for the Microsoft 365 services, backups and readiness checks.`,
    ),
    text('Nothing privileged runs on one person\'s click: every change becomes a plan with a hash, approvers decide on a card (M-of-N, no self-approval), and every step is written to a tamper-evident audit log.', { subtle: true }),
  ];
  if (view.localMode) {
    body.push(text('**Local mode:** Azure calls go to Keyward\'s built-in emulator; nothing touches a real tenant.', { color: 'Accent' }));
  }
  body.push(text('What would you like to do?', { weight: 'Bolder', spacing: 'Medium' }));
  for (const journey of view.journeys) {
    const items: CardElement[] = [
      text(`**${journey.title}**${journey.available ? '' : ' — *coming soon*'}`),
      text(journey.description, { subtle: true, spacing: 'None' }),
    ];
    if (journey.available) {
      items.push(actionSet([executeAction(`Start: ${journey.title}`, VERBS.runCommand, { command: journey.command })]));
    } else {
      items.push(text(`Not built yet: typing "${journey.command}" will tell you the same.`, { subtle: true, size: 'Small', spacing: 'None' }));
    }
    body.push(container(items, { separator: true, spacing: 'Small' }));
  }
  body.push(text('Type **help** at any time to see this card again.', { subtle: true, size: 'Small', spacing: 'Medium' }));
  return card(body, { fallbackText: 'Keyward: type help, setup, status, approvals, dep, roll or teardown.' });
}
