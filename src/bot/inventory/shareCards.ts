import type { Custody, HolderStatus } from '../../inventory/shareAttestations';
import { localizer, type Localizer } from '../i18n/localizer';
import { card, container, executeAction, heading, notice, text, type AdaptiveCardJson, type CardElement } from '../cards/adaptiveCard';
import { small } from './opsCards';
import { INVENTORY_VERBS } from './inventoryVerbs';

/** One line per holder, the state in words (never only a colour or an emoji). */
function holderLine(l: Localizer, holder: HolderStatus): string {
  const at = holder.at ? l.dateTime(holder.at) : '';
  switch (holder.state) {
    case 'confirmed':
      return l.t('share.holder.confirmed', { name: holder.name, at });
    case 'lost':
      return l.t('share.holder.lost', { name: holder.name, at });
    default:
      return holder.at ? l.t('share.holder.unconfirmed', { name: holder.name, at }) : l.t('share.holder.unconfirmedCeremony', { name: holder.name });
  }
}

/** What the state of the shares means for recovering the HSM, in words. */
export function custodyNotice(l: Localizer, custody: Custody): CardElement {
  switch (custody.health) {
    case 'healthy':
      return notice(l, 'success', l.t('share.health.healthy', { confirmed: custody.confirmed, holders: custody.holders.length, quorum: custody.quorum }));
    case 'unproven':
      return notice(l, 'warning', l.t('share.health.unproven', { confirmed: custody.confirmed, quorum: custody.quorum }));
    default:
      return notice(l, 'error', l.t('share.health.atRisk', { quorum: custody.quorum }));
  }
}

/** Posted to the approvers' chat every attestation interval; updated in place as holders answer. */
export function renderShareAttestationCard(custody: Custody, options: { everyDays: number; locale?: string }): AdaptiveCardJson {
  const l = localizer(options.locale);
  const body: CardElement[] = [
    text(l.t('share.kicker'), { subtle: true, size: 'Small' }),
    heading(l.t('share.title', { hsm: custody.hsmName }), 'Medium'),
    custodyNotice(l, custody),
    container(
      custody.holders.map((h) => text(holderLine(l, h), { size: 'Small' })),
      { separator: true },
    ),
    small(l.t('share.intro', { quorum: custody.quorum, holders: custody.holders.length, days: options.everyDays }), { subtle: true }),
    small(l.t('share.dates', { stored: l.dateTime(custody.storedAt), next: l.dateTime(custody.nextDueAt) }), { subtle: true }),
  ];
  return card(body, {
    actions: [
      executeAction(l.t('share.held'), INVENTORY_VERBS.shareHeld, { hsmName: custody.hsmName }, { style: 'positive', associatedInputs: 'none' }),
      executeAction(l.t('share.lost'), INVENTORY_VERBS.shareLost, { hsmName: custody.hsmName }, { style: 'destructive', associatedInputs: 'none' }),
    ],
    fallbackText: l.t('share.fallback', { hsm: custody.hsmName }),
  });
}

/** The line under an HSM on the status card. */
export function custodyLine(l: Localizer, custody: Custody): string {
  const holders = l.list(custody.holders.map((h) => l.t('share.holderState', { name: h.name, state: h.state })));
  return l.t('share.line', { health: custody.health, confirmed: custody.confirmed, holders: custody.holders.length, quorum: custody.quorum, list: holders });
}
