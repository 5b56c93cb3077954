/**
 * Card-submitted form values: one zod schema per journey step, and the mapping between the flat
 * `{ fieldPath: string }` values a card submits and the structured `CustomerKeyDraft`.
 *
 * The schemas check shape only (every known field is a short string; unknown fields, such as the
 * card's own verb and version, are dropped). The rules live in `validateSpec`, so a hand-edited
 * payload gets the same field-by-field messages as a typo.
 */
import { z } from 'zod';
import { say, type Message } from '../core';
import { CUSTOMER_KEY_LIMITS } from './facts';
import { fieldPaths, type CustomerKeyDraft, type FieldPath, type HsmDraft, type OfficerDraft, type SetupStep, type SiteDraft, type SiteId, SITE_IDS } from './spec';
import { WORKLOADS, type Workload } from './workloads';

/** Longest value Keyward accepts from a card input; far above any valid value. */
export const MAX_FORM_VALUE_LENGTH = 2000;

/**
 * One submitted value. Adaptive Cards send strings, but some clients send numbers (Input.Number)
 * or booleans (Input.Toggle with valueOn/valueOff omitted); they are turned into strings.
 */
const rawValue = z
  .union([z.string(), z.number().finite(), z.boolean()])
  .transform((value) => String(value))
  .pipe(z.string().max(MAX_FORM_VALUE_LENGTH, `Values are limited to ${MAX_FORM_VALUE_LENGTH} characters.`));

/** The field paths each step's card submits. */
export const SETUP_STEP_FIELDS: Readonly<Record<SetupStep, readonly FieldPath[]>> = {
  choice: [fieldPaths.protection, fieldPaths.workloads],
  sites: SITE_IDS.flatMap((s) => [fieldPaths.subscriptionId(s), fieldPaths.typed(fieldPaths.subscriptionId(s)), fieldPaths.resourceGroup(s), fieldPaths.region(s)]),
  names: [
    ...SITE_IDS.flatMap((s) => [...WORKLOADS.map((w) => fieldPaths.vaultName(s, w)), fieldPaths.hsmName(s), ...WORKLOADS.map((w) => fieldPaths.keyName(s, w))]),
    fieldPaths.keySize,
    fieldPaths.accessModel,
  ],
  hsm: [
    fieldPaths.initialAdminObjectIds,
    fieldPaths.typed(fieldPaths.initialAdminObjectIds),
    fieldPaths.officerIds,
    ...Array.from({ length: CUSTOMER_KEY_LIMITS.securityDomainMaxOfficers }, (_, i) => fieldPaths.officerPick(i)),
    fieldPaths.softDeleteRetentionDays,
    ...Array.from({ length: CUSTOMER_KEY_LIMITS.securityDomainMaxOfficers }, (_, i) => [fieldPaths.officerName(i), fieldPaths.officerObjectId(i)]).flat(),
    fieldPaths.quorum,
    fieldPaths.costAcknowledged,
  ],
  approvers: SITE_IDS.flatMap((s) => [fieldPaths.approvers(s), fieldPaths.typed(fieldPaths.approvers(s))]),
};

function schemaFor(fields: readonly FieldPath[]) {
  return z.object(Object.fromEntries(fields.map((f) => [f, rawValue.optional()])) as Record<string, z.ZodOptional<typeof rawValue>>).strip();
}

/** zod schemas of the raw form values, per step. */
export const SETUP_FORM_SCHEMAS: Readonly<Record<SetupStep, ReturnType<typeof schemaFor>>> = {
  choice: schemaFor(SETUP_STEP_FIELDS.choice),
  sites: schemaFor(SETUP_STEP_FIELDS.sites),
  names: schemaFor(SETUP_STEP_FIELDS.names),
  hsm: schemaFor(SETUP_STEP_FIELDS.hsm),
  approvers: schemaFor(SETUP_STEP_FIELDS.approvers),
};

/** Flat card values: field path → string. */
export type SetupFormValues = Readonly<Record<FieldPath, string>>;

export type FormParseResult = { readonly ok: true; readonly values: SetupFormValues } | { readonly ok: false; readonly errors: Readonly<Record<FieldPath, Message>> };

/**
 * Checks the shape of a submitted payload for one step. A payload that is not an object, or a
 * field that is not a short string, yields a message at that field (or at `_form`).
 */
export function parseSetupForm(step: SetupStep, payload: unknown): FormParseResult {
  const parsed = SETUP_FORM_SCHEMAS[step].safeParse(payload);
  if (parsed.success) {
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed.data)) if (typeof value === 'string') values[key] = value;
    return { ok: true, values };
  }
  const errors: Record<string, Message> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '_form';
    errors[path] ??=
      path === '_form'
        ? say('form.unreadableCard', 'The card sent something Keyward cannot read. Reopen the card and submit it again.')
        : issue.code === 'too_big'
          ? say('form.tooLong', `This value is too long (at most ${MAX_FORM_VALUE_LENGTH} characters). Shorten it and submit again.`, { max: String(MAX_FORM_VALUE_LENGTH) })
          : say('form.unreadableValue', `This value could not be read (${issue.message}). Retype it and submit again.`, { reason: issue.message });
  }
  return { ok: false, errors };
}

/** Splits a list input (comma, semicolon, space or newline separated); empty entries are skipped. */
export function splitList(value: string): string[] {
  return value.split(/[\s,;]+/).filter((item) => item !== '');
}

/**
 * A picker's choices and its typed fallback together, each value once (first seen wins). Either
 * field may be absent from the submission; absent from both means "not submitted".
 */
function pickedAndTyped(picked: string | undefined, typed: string | undefined): string[] | undefined {
  if (picked === undefined && typed === undefined) return undefined;
  const out: string[] = [];
  for (const value of [...splitList(picked ?? ''), ...splitList(typed ?? '')]) if (!out.some((v) => v.toLowerCase() === value.toLowerCase())) out.push(value);
  return out;
}

/**
 * The draft fields one step's values describe. Only fields present in `values` appear, so the
 * result can be merged over an existing draft with `mergeDraft`.
 */
export function draftFromForm(step: SetupStep, values: SetupFormValues): CustomerKeyDraft {
  const get = (path: FieldPath): string | undefined => values[path];
  const draft: CustomerKeyDraft = {};
  switch (step) {
    case 'choice': {
      const protection = get(fieldPaths.protection);
      const workloads = get(fieldPaths.workloads);
      if (protection !== undefined) draft.protection = protection;
      if (workloads !== undefined) draft.workloads = splitList(workloads);
      break;
    }
    case 'sites': {
      for (const site of SITE_IDS) {
        const patch: SiteDraft = {};
        // A subscription typed in the fallback field replaces the one picked from the list.
        const typedSub = get(fieldPaths.typed(fieldPaths.subscriptionId(site)))?.trim();
        const sub = typedSub ? typedSub : get(fieldPaths.subscriptionId(site));
        const rg = get(fieldPaths.resourceGroup(site));
        const region = get(fieldPaths.region(site));
        if (sub !== undefined) patch.subscriptionId = sub;
        if (rg !== undefined) patch.resourceGroup = rg;
        if (region !== undefined) patch.region = region;
        if (Object.keys(patch).length > 0) (draft.sites ??= {})[site] = patch;
      }
      break;
    }
    case 'names': {
      for (const site of SITE_IDS) {
        const patch: SiteDraft = {};
        for (const w of WORKLOADS) {
          const vault = get(fieldPaths.vaultName(site, w));
          const key = get(fieldPaths.keyName(site, w));
          if (vault !== undefined) (patch.vaultNames ??= {})[w] = vault;
          if (key !== undefined) (patch.keyNames ??= {})[w] = key;
        }
        const hsm = get(fieldPaths.hsmName(site));
        if (hsm !== undefined) patch.hsmName = hsm;
        if (Object.keys(patch).length > 0) (draft.sites ??= {})[site] = patch;
      }
      const keySize = get(fieldPaths.keySize);
      const accessModel = get(fieldPaths.accessModel);
      if (keySize !== undefined) draft.keySize = keySize;
      if (accessModel !== undefined) draft.accessModel = accessModel;
      break;
    }
    case 'hsm': {
      const hsm: HsmDraft = {};
      const admins = pickedAndTyped(get(fieldPaths.initialAdminObjectIds), get(fieldPaths.typed(fieldPaths.initialAdminObjectIds)));
      const slots = Array.from({ length: CUSTOMER_KEY_LIMITS.securityDomainMaxOfficers }, (_, i) => get(fieldPaths.officerPick(i)));
      const officerIds =
        slots.some((slot) => slot !== undefined) || get(fieldPaths.officerIds) !== undefined
          ? pickedAndTyped([...slots, get(fieldPaths.officerIds)].filter((v) => v !== undefined).join(','), undefined)
          : undefined;
      const retention = get(fieldPaths.softDeleteRetentionDays);
      const quorum = get(fieldPaths.quorum);
      const ack = get(fieldPaths.costAcknowledged);
      if (admins !== undefined) hsm.initialAdminObjectIds = admins;
      if (officerIds !== undefined) hsm.officerIds = officerIds;
      if (retention !== undefined) hsm.softDeleteRetentionDays = retention;
      if (quorum !== undefined) hsm.quorum = quorum;
      if (ack !== undefined) hsm.costAcknowledged = ack;
      // Keep row positions so that messages land on the row the operator typed in.
      const officers: OfficerDraft[] = [];
      let anyOfficerField = false;
      for (let i = 0; i < CUSTOMER_KEY_LIMITS.securityDomainMaxOfficers; i++) {
        const name = get(fieldPaths.officerName(i));
        const oid = get(fieldPaths.officerObjectId(i));
        if (name !== undefined || oid !== undefined) anyOfficerField = true;
        const row: OfficerDraft = {};
        if (name !== undefined) row.displayName = name;
        if (oid !== undefined) row.objectId = oid;
        officers.push(row);
      }
      if (anyOfficerField) {
        let last = officers.length - 1;
        while (last >= 0 && isBlankOfficer(officers[last])) last--;
        hsm.officers = officers.slice(0, last + 1);
      }
      if (Object.keys(hsm).length > 0) draft.hsm = hsm;
      break;
    }
    case 'approvers': {
      for (const site of SITE_IDS) {
        const value = pickedAndTyped(get(fieldPaths.approvers(site)), get(fieldPaths.typed(fieldPaths.approvers(site))));
        if (value !== undefined) (draft.approvers ??= {})[site] = value;
      }
      break;
    }
  }
  return draft;
}

function isBlankOfficer(row: OfficerDraft | undefined): boolean {
  return !row || ((row.displayName ?? '').trim() === '' && (row.objectId ?? '').trim() === '');
}

/** A new draft with `patch` laid over `base` (neither is modified). */
export function mergeDraft(base: CustomerKeyDraft, patch: CustomerKeyDraft): CustomerKeyDraft {
  const out: CustomerKeyDraft = { ...base, ...withoutNested(patch) };
  if (base.sites || patch.sites) {
    const sites: Partial<Record<SiteId, SiteDraft>> = {};
    for (const site of SITE_IDS) {
      const a = base.sites?.[site];
      const b = patch.sites?.[site];
      if (!a && !b) continue;
      const merged: SiteDraft = { ...a, ...b };
      const vaultNames = mergeRecord(a?.vaultNames, b?.vaultNames);
      const keyNames = mergeRecord(a?.keyNames, b?.keyNames);
      if (vaultNames) merged.vaultNames = vaultNames;
      if (keyNames) merged.keyNames = keyNames;
      sites[site] = merged;
    }
    out.sites = sites;
  }
  if (base.hsm || patch.hsm) out.hsm = { ...base.hsm, ...patch.hsm };
  if (base.approvers || patch.approvers) out.approvers = { ...base.approvers, ...patch.approvers };
  return out;
}

function withoutNested(draft: CustomerKeyDraft): CustomerKeyDraft {
  const { sites: _sites, hsm: _hsm, approvers: _approvers, ...rest } = draft;
  return rest;
}

function mergeRecord(a: Partial<Record<Workload, string>> | undefined, b: Partial<Record<Workload, string>> | undefined): Partial<Record<Workload, string>> | undefined {
  return a || b ? { ...a, ...b } : undefined;
}

/**
 * The flat card values for a draft, so a card can be re-rendered with everything the operator
 * typed (lists joined with ", ").
 */
export function formValuesFromDraft(draft: CustomerKeyDraft): SetupFormValues {
  const out: Record<string, string> = {};
  const set = (path: FieldPath, value: string | undefined) => {
    if (value !== undefined) out[path] = value;
  };
  set(fieldPaths.protection, draft.protection);
  if (draft.workloads) out[fieldPaths.workloads] = draft.workloads.join(',');
  for (const site of SITE_IDS) {
    const s = draft.sites?.[site];
    if (!s) continue;
    set(fieldPaths.subscriptionId(site), s.subscriptionId);
    set(fieldPaths.resourceGroup(site), s.resourceGroup);
    set(fieldPaths.region(site), s.region);
    set(fieldPaths.hsmName(site), s.hsmName);
    for (const w of WORKLOADS) {
      set(fieldPaths.vaultName(site, w), s.vaultNames?.[w]);
      set(fieldPaths.keyName(site, w), s.keyNames?.[w]);
    }
  }
  set(fieldPaths.keySize, draft.keySize);
  set(fieldPaths.accessModel, draft.accessModel);
  const hsm = draft.hsm;
  if (hsm) {
    if (hsm.initialAdminObjectIds) out[fieldPaths.initialAdminObjectIds] = hsm.initialAdminObjectIds.join(', ');
    hsm.officerIds?.forEach((id, i) => set(fieldPaths.officerPick(i), id));
    set(fieldPaths.softDeleteRetentionDays, hsm.softDeleteRetentionDays);
    set(fieldPaths.quorum, hsm.quorum);
    set(fieldPaths.costAcknowledged, hsm.costAcknowledged);
    hsm.officers?.forEach((row, i) => {
      set(fieldPaths.officerName(i), row.displayName);
      set(fieldPaths.officerObjectId(i), row.objectId);
    });
  }
  for (const site of SITE_IDS) {
    const list = draft.approvers?.[site];
    if (list) out[fieldPaths.approvers(site)] = list.join(', ');
  }
  return out;
}
