import type { Custody, HolderStatus } from '../../inventory/shareAttestations';
import { card, container, executeAction, heading, notice, text, type AdaptiveCardJson, type CardElement } from '../cards/adaptiveCard';
import { small, utc } from './opsCards';
import { INVENTORY_VERBS } from './inventoryVerbs';

/** One line per holder, the state in words (never only a colour or an emoji). */
function holderLine(holder: HolderStatus): string {
  switch (holder.state) {
    case 'confirmed':
      return `✅ **${holder.name}** — holds a share (confirmed ${holder.at ? utc(holder.at) : ''})`;
    case 'lost':
      return `❌ **${holder.name}** — said the share is lost${holder.at ? ` (${utc(holder.at)})` : ''}`;
    default:
      return `❔ **${holder.name}** — not confirmed since ${holder.at ? utc(holder.at) : 'the ceremony'}`;
  }
}

/** What the state of the shares means for recovering the HSM, in words. */
export function custodyNotice(custody: Custody): CardElement {
  switch (custody.health) {
    case 'healthy':
      return notice('success', `Recoverable: ${custody.confirmed} of ${custody.holders.length} holders confirmed; ${custody.quorum} are needed.`);
    case 'unproven':
      return notice('warning', `Not proven: only ${custody.confirmed} of the ${custody.quorum} shares needed are confirmed. Holders who have not answered may still have theirs.`);
    default:
      return notice('error', `At risk: fewer than ${custody.quorum} holders still have a share, so the HSM could NOT be recovered from its security domain. While it still works, download a new security domain with new officers (a new ceremony) and keep the old file until then.`);
  }
}

/** Posted to the approvers' chat every attestation interval; updated in place as holders answer. */
export function renderShareAttestationCard(custody: Custody, options: { everyDays: number }): AdaptiveCardJson {
  const body: CardElement[] = [
    text('Managed HSM security domain', { subtle: true, size: 'Small' }),
    heading(`${custody.hsmName}: do you still hold your share?`, 'Medium'),
    small(
      `Recovering this HSM after a disaster needs its security-domain file (stored encrypted by Keyward) and ${custody.quorum} of the ${custody.holders.length} officers' private keys. Holders: check that you can still open your private key (the one whose certificate you handed in), then answer for your own share. Keyward asks every ${options.everyDays} days.`,
      { subtle: true },
    ),
    custodyNotice(custody),
    container(
      custody.holders.map((h) => text(holderLine(h), { size: 'Small' })),
      { separator: true },
    ),
    small(`Security domain downloaded ${utc(custody.storedAt)}. Next request: ${utc(custody.nextDueAt)}.`, { subtle: true }),
  ];
  return card(body, {
    actions: [
      executeAction('I still hold my share', INVENTORY_VERBS.shareHeld, { hsmName: custody.hsmName }, { style: 'positive', associatedInputs: 'none' }),
      executeAction('I no longer have it', INVENTORY_VERBS.shareLost, { hsmName: custody.hsmName }, { style: 'destructive', associatedInputs: 'none' }),
    ],
    fallbackText: `Keyward: security-domain share holders of ${custody.hsmName}, please confirm you still hold your share.`,
  });
}

/** The line under an HSM on the status card. */
export function custodyLine(custody: Custody): string {
  const mark = custody.health === 'healthy' ? '✅' : custody.health === 'unproven' ? '❔' : '❌';
  const word = custody.health === 'healthy' ? 'recoverable' : custody.health === 'unproven' ? 'not proven' : 'AT RISK';
  return `${mark} Security domain ${word}: ${custody.confirmed} of ${custody.holders.length} holders confirmed, ${custody.quorum} needed (${custody.holders.map((h) => `${h.name}: ${h.state}`).join(', ')})`;
}
