/**
 * Small pure building blocks shared by the DEP, key-roll, teardown and inventory cards.
 */
import type { KeyRef } from '../../customerKey';
import type { KeyPair } from '../../inventory/inventoryTypes';
import { currentVersion } from '../../inventory/inventoryTypes';
import type { OpsJourneyBase } from '../../inventory/opsJourney';
import type { Localizer } from '../i18n/localizer';
import { notice, text, type CardElement } from '../cards/adaptiveCard';
import { workloadName } from '../setup/setupCards';

/**
 * A copyable code block. A RichTextBlock's TextRun is never read as Markdown (a TextBlock would
 * turn `*`, `_` or a leading `-` in a script into formatting), keeps line breaks, and is shown in
 * the monospace font; selecting and copying it gives the script exactly.
 */
export function codeBlock(code: string): CardElement {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: code, fontType: 'Monospace', size: 'Small' }] };
}

/** The most of a script a card shows; longer scripts are shown cut, with the download for the rest. */
export const MAX_SCRIPT_ON_CARD = 24_000;

export function scriptElements(l: Localizer, script: string): CardElement[] {
  if (script.length <= MAX_SCRIPT_ON_CARD) return [codeBlock(script)];
  const cut = script.slice(0, MAX_SCRIPT_ON_CARD);
  return [codeBlock(cut.slice(0, cut.lastIndexOf('\n'))), notice(l, 'warning', l.t('ops.scriptTooLong', { length: script.length }))];
}

/** The journey's error and notice lines under the heading. */
export function journeyNotices(l: Localizer, journey: OpsJourneyBase): CardElement[] {
  const out: CardElement[] = [];
  if (journey.notice) out.push(notice(l, 'info', l.say(journey.notice)));
  const count = Object.keys(journey.errors).length;
  if (count > 0) out.push(notice(l, 'error', l.t('common.fieldsNeedAttention', { count })));
  return out;
}

/** An input with its error and warning right under it, in words (ids `<input>.error`, `<input>.warning`). */
export function withMessages(l: Localizer, journey: OpsJourneyBase, input: CardElement): CardElement[] {
  const id = String(input.id);
  return [input, ...fieldMessages(l, journey, id)];
}

/** A message kept under a pseudo-field (not an input), e.g. `keys`. */
export function fieldMessages(l: Localizer, journey: OpsJourneyBase, id: string): CardElement[] {
  const out: CardElement[] = [];
  if (journey.errors[id]) out.push(notice(l, 'error', l.say(journey.errors[id]!), { id: `${id}.error` }));
  if (journey.warnings[id]) out.push(notice(l, 'warning', l.say(journey.warnings[id]!), { id: `${id}.warning` }));
  return out;
}

/** "Exchange mailboxes: kv-a/key-a + kv-b/key-b". */
export function describePair(l: Localizer, pair: KeyPair): string {
  const a = pair.A.ref;
  const b = pair.B.ref;
  return l.t('ops.pair', { workload: workloadName(l, pair.workload), a: `${a.containerName}/${a.keyName}`, b: `${b.containerName}/${b.keyName}` });
}

export function describeKey(l: Localizer, ref: KeyRef): string {
  return l.t('ops.key', { site: ref.site, key: ref.keyName, kind: ref.containerKind, container: ref.containerName, region: ref.region });
}

export function versionText(l: Localizer, pair: KeyPair, site: 'A' | 'B'): string {
  const key = pair[site];
  const version = currentVersion(key);
  return version ? l.t('ops.version', { version: version.slice(0, 8), count: key.versions.length }) : l.t('ops.versionUnknown');
}

export function small(value: string, options: { subtle?: boolean } = {}): CardElement {
  return text(value, { size: 'Small', spacing: 'None', ...(options.subtle ? { subtle: true } : {}) });
}
