import { localizer, type MessageId } from '../i18n/localizer';
import { actionSet, card, container, details, executeAction, heading, text, type AdaptiveCardJson, type CardElement } from './adaptiveCard';
import { VERBS } from './verbs';

export type JourneyCommand = 'setup' | 'status' | 'approvals' | 'dep' | 'roll' | 'teardown';

export interface JourneyEntry {
  /** The chat command that starts it, e.g. "setup"; its title and description are in the catalogue. */
  command: JourneyCommand;
  /** False while the journey is not built yet: shown, marked, and without a button. */
  available: boolean;
}

export interface WelcomeView {
  userName?: string;
  journeys: readonly JourneyEntry[];
  /** Local mode: say so, so nobody mistakes the emulator for their Azure tenant. */
  localMode: boolean;
  /** The activity's locale (BCP 47); English when absent or unknown. */
  locale?: string;
}

/** The first card anyone sees: what Keyward does and where to start. Pure. */
export function renderWelcomeCard(view: WelcomeView): AdaptiveCardJson {
  const l = localizer(view.locale);
  const body: CardElement[] = [heading(l.t('welcome.title')), text(view.userName ? l.t('welcome.greetingNamed', { name: view.userName }) : l.t('welcome.greeting'))];
  if (view.localMode) body.push(text(l.t('welcome.localMode'), { color: 'Accent', size: 'Small' }));
  body.push(...details('welcome.more', l.t('welcome.howItWorks'), [text(l.t('welcome.intro')), text(l.t('welcome.safety'), { subtle: true })]));
  body.push(text(l.t('welcome.question'), { weight: 'Bolder', spacing: 'Medium' }));
  for (const journey of view.journeys) {
    const title = l.t(`journey.${journey.command}.title` as MessageId);
    const items: CardElement[] = [
      text(journey.available ? `**${title}**` : l.t('welcome.comingSoon', { title })),
      text(l.t(`journey.${journey.command}.description` as MessageId), { subtle: true, size: 'Small', spacing: 'None' }),
    ];
    if (journey.available) items.push(actionSet([executeAction(l.t('welcome.start', { title }), VERBS.runCommand, { command: journey.command })]));
    else items.push(text(l.t('welcome.notBuilt', { command: journey.command }), { subtle: true, size: 'Small', spacing: 'None' }));
    body.push(container(items, { separator: true, spacing: 'Small' }));
  }
  body.push(text(l.t('welcome.help'), { subtle: true, size: 'Small', spacing: 'Medium' }));
  return card(body, { fallbackText: l.t('welcome.fallback') });
}
