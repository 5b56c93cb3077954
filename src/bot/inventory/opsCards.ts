/**
 * Small pure building blocks shared by the DEP, key-roll, teardown and inventory cards.
 */
import { WORKLOAD_INFO, type KeyRef } from '../../customerKey';
import type { KeyPair } from '../../inventory/inventoryTypes';
import { currentVersion } from '../../inventory/inventoryTypes';
import type { OpsJourneyBase } from '../../inventory/opsJourney';
import { notice, text, type CardElement } from '../cards/adaptiveCard';

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

export function scriptElements(script: string): CardElement[] {
  if (script.length <= MAX_SCRIPT_ON_CARD) return [codeBlock(script)];
  const cut = script.slice(0, MAX_SCRIPT_ON_CARD);
  return [codeBlock(cut.slice(0, cut.lastIndexOf('\n'))), notice('warning', `The script is ${script.length} characters, too long to show whole in a card: copy it from the download, not from here.`)];
}

/** The journey's error and notice lines under the heading. */
export function journeyNotices(journey: OpsJourneyBase): CardElement[] {
  const out: CardElement[] = [];
  if (journey.notice) out.push(notice('info', journey.notice));
  const count = Object.keys(journey.errors).length;
  if (count > 0) out.push(notice('error', `${count === 1 ? 'One field needs' : `${count} fields need`} attention; each is marked below. Everything you typed is kept.`));
  return out;
}

/** An input with its error and warning under it. */
export function withMessages(journey: OpsJourneyBase, input: CardElement): CardElement[] {
  const id = String(input.id);
  const out: CardElement[] = [input];
  if (journey.errors[id]) out.push(notice('error', journey.errors[id]!));
  if (journey.warnings[id]) out.push(notice('warning', journey.warnings[id]!));
  return out;
}

/** A message kept under a pseudo-field (not an input), e.g. `keys`. */
export function fieldMessages(journey: OpsJourneyBase, id: string): CardElement[] {
  const out: CardElement[] = [];
  if (journey.errors[id]) out.push(notice('error', journey.errors[id]!));
  if (journey.warnings[id]) out.push(notice('warning', journey.warnings[id]!));
  return out;
}

/** "Exchange mailboxes: kv-a/key-a + kv-b/key-b". */
export function describePair(pair: KeyPair): string {
  const a = pair.A.ref;
  const b = pair.B.ref;
  return `${WORKLOAD_INFO[pair.workload].displayName}: ${a.containerName}/${a.keyName} + ${b.containerName}/${b.keyName}`;
}

export function describeKey(ref: KeyRef): string {
  return `Key ${ref.site}: ${ref.keyName} in ${ref.containerKind === 'vault' ? 'vault' : 'HSM'} ${ref.containerName} (${ref.region})`;
}

export function versionText(pair: KeyPair, site: 'A' | 'B'): string {
  const key = pair[site];
  const version = currentVersion(key);
  return version ? `${version.slice(0, 8)}… (${key.versions.length} version${key.versions.length === 1 ? '' : 's'})` : 'version not recorded';
}

/** `2026-11-29 09:30 UTC`. */
export function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function small(value: string, options: { subtle?: boolean } = {}): CardElement {
  return text(value, { size: 'Small', spacing: 'None', ...(options.subtle ? { subtle: true } : {}) });
}

/** Status words (never colour alone). */
export const STATE_WORDS = {
  ok: '✅',
  warn: '⚠️',
  bad: '❌',
  wait: '⏳',
} as const;
