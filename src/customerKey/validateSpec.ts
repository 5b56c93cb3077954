/**
 * `validateSpec` turns a draft into a `CustomerKeySpec`, reporting every problem at once with a
 * message at each wrong field; `validateSetupStep` does the same for one card. Validation never
 * changes the draft: the journey keeps what the operator typed and re-renders it with the messages.
 */
import { say, sentences, type Message } from '../core';
import { CUSTOMER_KEY_LIMITS, MANAGED_HSM_COST_ACKNOWLEDGMENT } from './facts';
import { validateFreeText, validateKeyName, validateManagedHsmName, validateObjectId, validateResourceGroupName, validateSubscriptionId, validateVaultName } from './naming';
import { AZURE_REGIONS, findRegion, managedHsmRegionStatus, regionRelation, sameRegionAdvice, type AzureRegion } from './regions';
import {
  ACCESS_MODELS,
  fieldPaths,
  PROTECTIONS,
  SITE_IDS,
  SPEC_DEFAULTS,
  stepOfField,
  type AccessModel,
  type CustomerKeyDraft,
  type CustomerKeySpec,
  type FieldPath,
  type HsmKeySpec,
  type KeySize,
  type ManagedHsmSiteSpec,
  type Person,
  type PremiumSiteSpec,
  type PremiumVaultSpec,
  type Protection,
  type SetupStep,
  type SiteId,
  type SiteLocation,
} from './spec';
import { canonicalWorkloads, isWorkload, workloadName, type Workload } from './workloads';

/** What the caller knows that the rules depend on. */
export interface SpecValidationOptions {
  /** Region catalogue (e.g. the subscriptions' own locations); defaults to the built-in list. */
  readonly regions?: readonly AzureRegion[];
  /**
   * Authoritative Managed HSM regions. When given, an unlisted region is an error; without it,
   * Keyward's conservative built-in list only produces warnings (see regions.ts).
   */
  readonly managedHsmRegions?: readonly string[];
  /** The approval policy demands named, disjoint custodians for key A and key B. */
  readonly requireKeyCustodians?: boolean;
  /** Client ids Keyward knows (its own managed identities), id → name, to catch them in object id fields. */
  readonly knownClientIds?: Readonly<Record<string, string>>;
  /**
   * Display names from the directory, by lower-case object id: the names of officers chosen with
   * the people picker (the card sends only their object ids).
   */
  readonly displayNames?: Readonly<Record<string, string>>;
}

/** Messages by field path. */
export type FieldMessages = Readonly<Record<FieldPath, Message>>;

export type SpecValidation =
  | { readonly ok: true; readonly spec: CustomerKeySpec; readonly errors: FieldMessages; readonly warnings: FieldMessages }
  | { readonly ok: false; readonly spec?: undefined; readonly errors: FieldMessages; readonly warnings: FieldMessages };

export interface StepValidation {
  readonly ok: boolean;
  readonly errors: FieldMessages;
  readonly warnings: FieldMessages;
}

class Messages {
  readonly errors: Record<string, Message> = {};
  readonly warnings: Record<string, Message> = {};
  error(path: FieldPath, message: Message): void {
    const before = this.errors[path];
    this.errors[path] = before ? sentences(before, message) : message;
  }
  warn(path: FieldPath, message: Message): void {
    const before = this.warnings[path];
    this.warnings[path] = before ? sentences(before, message) : message;
  }
  check(path: FieldPath, problem: Message | null): boolean {
    if (problem) this.error(path, problem);
    return problem === null;
  }
}

/**
 * Validates a whole draft. `ok` is true only when there are no errors; warnings never block.
 * The returned spec holds trimmed, normalised values (lower-case GUIDs, ARM region names).
 */
export function validateSpec(draft: CustomerKeyDraft, options: SpecValidationOptions = {}): SpecValidation {
  const m = new Messages();
  const spec = collect(draft, options, m);
  if (Object.keys(m.errors).length === 0 && spec) return { ok: true, spec, errors: {}, warnings: m.warnings };
  return { ok: false, errors: m.errors, warnings: m.warnings };
}

/**
 * Validates the fields of one card. Errors in the choice card (protection, workloads) are included
 * for every later step too, because the later cards' rules depend on them.
 */
export function validateSetupStep(step: SetupStep, draft: CustomerKeyDraft, options: SpecValidationOptions = {}): StepValidation {
  const m = new Messages();
  collect(draft, options, m);
  const keep = (path: string) => stepOfField(path) === step || (stepOfField(path) === 'choice' && step !== 'choice');
  const errors = filterKeys(m.errors, keep);
  const warnings = filterKeys(m.warnings, (path) => stepOfField(path) === step);
  return { ok: Object.keys(errors).length === 0, errors, warnings };
}

function filterKeys(record: Record<string, Message>, keep: (key: string) => boolean): Record<string, Message> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => keep(key)));
}

const trim = (value: string | undefined): string => (value ?? '').trim();

function collect(draft: CustomerKeyDraft, options: SpecValidationOptions, m: Messages): CustomerKeySpec | undefined {
  const catalogue = options.regions ?? AZURE_REGIONS;

  // --- choice ---------------------------------------------------------------------------------
  const protectionRaw = trim(draft.protection);
  let protection: Protection | undefined;
  if (protectionRaw === '') m.error(fieldPaths.protection, say('spec.protection.empty', 'Choose where the keys live: Key Vault Premium or Managed HSM.'));
  else if (!(PROTECTIONS as readonly string[]).includes(protectionRaw))
    m.error(
      fieldPaths.protection,
      say('spec.protection.unknown', `'${protectionRaw}' is not a choice Keyward knows. Choose Key Vault Premium (keyVaultPremium) or Managed HSM (managedHsm).`, {
        value: `'${protectionRaw}'`,
      }),
    );
  else protection = protectionRaw as Protection;

  const workloadValues = (draft.workloads ?? []).map((w) => w.trim()).filter((w) => w !== '');
  const unknown = workloadValues.filter((w) => !isWorkload(w));
  let workloads: Workload[] | undefined;
  if (workloadValues.length === 0) {
    m.error(
      fieldPaths.workloads,
      say('spec.workloads.empty', 'Choose at least one workload: multi-workload (whole tenant), Exchange mailboxes, or SharePoint/OneDrive/Teams files.'),
    );
  } else if (unknown.length > 0) {
    const values = unknown.map((w) => `'${w}'`).join(', ');
    m.error(fieldPaths.workloads, say('spec.workloads.unknown', `Keyward does not know ${values}. Choose from multiWorkload, exchange and sharePoint.`, { values }));
  } else {
    workloads = canonicalWorkloads(workloadValues as Workload[]);
  }

  // --- sites ----------------------------------------------------------------------------------
  const locations: Partial<Record<SiteId, SiteLocation>> = {};
  const regionFound: Partial<Record<SiteId, AzureRegion>> = {};
  for (const site of SITE_IDS) {
    const s = draft.sites?.[site] ?? {};
    const subOk = m.check(fieldPaths.subscriptionId(site), validateSubscriptionId(s.subscriptionId ?? ''));
    const rgOk = m.check(fieldPaths.resourceGroup(site), validateResourceGroupName(s.resourceGroup ?? ''));
    const regionRaw = trim(s.region);
    const region = regionRaw === '' ? undefined : findRegion(regionRaw, catalogue);
    if (regionRaw === '') m.error(fieldPaths.region(site), say('spec.region.empty', `Choose the Azure region for site ${site} (key ${site}).`, { site }));
    else if (!region)
      m.error(
        fieldPaths.region(site),
        options.regions
          ? say(
              'spec.region.unknownForSubscriptions',
              `'${regionRaw}' is not an Azure region Keyward knows for these subscriptions. Use the region's name as the portal shows it, for example West Europe (westeurope).`,
              { value: `'${regionRaw}'` },
            )
          : say('spec.region.unknown', `'${regionRaw}' is not an Azure region Keyward knows. Use the region's name as the portal shows it, for example West Europe (westeurope).`, {
              value: `'${regionRaw}'`,
            }),
      );
    else regionFound[site] = region;
    if (subOk && rgOk && region) {
      locations[site] = { subscriptionId: trim(s.subscriptionId).toLowerCase(), resourceGroup: trim(s.resourceGroup), region: region.name };
    }
  }
  const subA = trim(draft.sites?.A?.subscriptionId).toLowerCase();
  const subB = trim(draft.sites?.B?.subscriptionId).toLowerCase();
  if (subA !== '' && subA === subB) {
    m.error(
      fieldPaths.subscriptionId('B'),
      say(
        'spec.subscription.same',
        'Site B must use a different subscription from site A: Customer Key requires the two keys of every policy in two different Azure subscriptions (Microsoft recommends two new subscriptions used only for Customer Key, administered by different people).',
      ),
    );
  }
  const ra = regionFound.A;
  const rb = regionFound.B;
  if (ra && rb) {
    const relation = regionRelation(ra.name, rb.name, catalogue);
    if (relation === 'same') {
      // A recommendation, not a requirement (facts §1.3, Purview "Set up Customer Key"): tenants in
      // single-region countries (Italy North, Poland Central, Qatar Central, Mexico Central…) go on.
      m.warn(fieldPaths.region('B'), sameRegionAdvice(ra.displayName));
    } else if (relation === 'paired') {
      m.warn(
        fieldPaths.region('B'),
        say(
          'spec.region.paired',
          `${ra.displayName} and ${rb.displayName} are an Azure region pair. That is allowed, but Microsoft recommends two regions that are not paired, which gives four regions of availability instead of two.`,
          { a: ra.displayName, b: rb.displayName },
        ),
      );
    }
  }
  if (protection === 'managedHsm') {
    for (const site of SITE_IDS) {
      const region = regionFound[site];
      if (!region) continue;
      const status = managedHsmRegionStatus(region.name, options.managedHsmRegions);
      if (status === 'unavailable') {
        m.error(
          fieldPaths.region(site),
          say('spec.region.noHsm', `Managed HSM is not offered in ${region.displayName} for this subscription. Choose a region where Managed HSM is available.`, {
            region: region.displayName,
          }),
        );
      } else if (status === 'unlisted') {
        m.warn(
          fieldPaths.region(site),
          say(
            'spec.region.hsmUnlisted',
            `${region.displayName} is not on Keyward's conservative list of Managed HSM regions. It may work, but creation can fail with "Pool creation is disabled in this region"; preflight checks the subscription's real list.`,
            { region: region.displayName, azureError: 'Pool creation is disabled in this region' },
          ),
        );
      }
    }
  }

  // --- names ----------------------------------------------------------------------------------
  const keySizeRaw = trim(draft.keySize);
  let keySize: KeySize | undefined = SPEC_DEFAULTS.keySize;
  if (keySizeRaw !== '') {
    const n = Number(keySizeRaw);
    if (!(CUSTOMER_KEY_LIMITS.keySizes as readonly number[]).includes(n)) {
      m.error(
        fieldPaths.keySize,
        say(
          'spec.keySize.invalid',
          `'${keySizeRaw}' is not a key size Customer Key can use. Choose 3072 (recommended), 4096 or 2048 bits; keys are always RSA and HSM-protected.`,
          { value: `'${keySizeRaw}'` },
        ),
      );
      keySize = undefined;
    } else {
      keySize = n as KeySize;
      if (n === 2048)
        m.warn(
          fieldPaths.keySize,
          say('spec.keySize.small', '2048-bit keys are allowed, but Azure guidance for encryption at rest is 3072 or 4096 bits. Keyward recommends 3072.'),
        );
    }
  }

  let accessModel: AccessModel | undefined = SPEC_DEFAULTS.accessModel;
  const accessRaw = trim(draft.accessModel);
  if (protection === 'managedHsm') {
    if (accessRaw !== '')
      m.warn(
        fieldPaths.accessModel,
        say('spec.accessModel.ignored', 'The access model applies to Key Vault only; a Managed HSM always uses its local RBAC, so this value is ignored.'),
      );
  } else if (accessRaw !== '') {
    if (!(ACCESS_MODELS as readonly string[]).includes(accessRaw)) {
      m.error(
        fieldPaths.accessModel,
        say('spec.accessModel.invalid', `'${accessRaw}' is not an access model. Choose Azure RBAC (rbac) or access policies (accessPolicy).`, { value: `'${accessRaw}'` }),
      );
      accessModel = undefined;
    } else accessModel = accessRaw as AccessModel;
  }

  const premiumSites: Partial<Record<SiteId, PremiumVaultSpec[]>> = {};
  const hsmSites: Partial<Record<SiteId, { hsmName: string; keys: HsmKeySpec[] }>> = {};
  if (protection === 'keyVaultPremium' && workloads) {
    const seen = new Map<string, Message>();
    for (const site of SITE_IDS) {
      const s = draft.sites?.[site];
      const vaults: PremiumVaultSpec[] = [];
      for (const w of workloads) {
        const vaultPath = fieldPaths.vaultName(site, w);
        const keyPath = fieldPaths.keyName(site, w);
        const vaultName = trim(s?.vaultNames?.[w]);
        const keyName = trim(s?.keyNames?.[w]);
        const workload = workloadName(w);
        const owner = say('spec.vault.owner', `${workload.text} in site ${site}`, { workload, site });
        let vaultOk = m.check(vaultPath, validateVaultName(vaultName));
        const keyOk = m.check(keyPath, validateKeyName(keyName));
        if (vaultOk) {
          const previous = seen.get(vaultName.toLowerCase());
          if (previous) {
            m.error(
              vaultPath,
              say(
                'spec.vault.duplicate',
                `The vault name '${vaultName}' is already used for ${previous.text}. Each workload needs its own vault in each subscription (one vault per workload per subscription), and vault names are global, so choose another name.`,
                { value: `'${vaultName}'`, owner: previous },
              ),
            );
            vaultOk = false;
          } else seen.set(vaultName.toLowerCase(), owner);
        }
        if (vaultOk && keyOk) vaults.push({ workload: w, vaultName, keyName });
      }
      premiumSites[site] = vaults;
    }
  } else if (protection === 'managedHsm' && workloads) {
    for (const site of SITE_IDS) {
      const s = draft.sites?.[site];
      const hsmName = trim(s?.hsmName);
      let hsmOk = m.check(fieldPaths.hsmName(site), validateManagedHsmName(hsmName));
      if (site === 'B' && hsmOk && hsmName.toLowerCase() === trim(draft.sites?.A?.hsmName).toLowerCase()) {
        m.error(
          fieldPaths.hsmName('B'),
          say('spec.hsm.sameName', `HSM B needs its own name: '${hsmName}' is already HSM A's. Customer Key uses two HSMs, one per subscription, and HSM names are global.`, {
            value: `'${hsmName}'`,
          }),
        );
        hsmOk = false;
      }
      const keys: HsmKeySpec[] = [];
      const seenKeys = new Map<string, Workload>();
      for (const w of workloads) {
        const keyPath = fieldPaths.keyName(site, w);
        const keyName = trim(s?.keyNames?.[w]);
        let ok = m.check(keyPath, validateKeyName(keyName));
        if (ok) {
          const previous = seenKeys.get(keyName.toLowerCase());
          if (previous) {
            const other = workloadName(previous);
            m.error(
              keyPath,
              say(
                'spec.key.duplicate',
                `The key name '${keyName}' is already used for ${other.text} in HSM ${site}. Each workload needs its own key; key names in one HSM are unique regardless of case.`,
                { value: `'${keyName}'`, workload: other, site },
              ),
            );
            ok = false;
          } else seenKeys.set(keyName.toLowerCase(), w);
        }
        if (ok) keys.push({ workload: w, keyName });
      }
      if (hsmOk) hsmSites[site] = { hsmName, keys };
    }
  }

  // --- hsm ------------------------------------------------------------------------------------
  let hsmSettings: { admins: string[]; retention: number; officers: Person[]; quorum: number } | undefined;
  let acknowledged = false;
  if (protection === 'managedHsm') {
    const h = draft.hsm ?? {};
    const admins: string[] = [];
    const adminValues = (h.initialAdminObjectIds ?? []).map((v) => v.trim()).filter((v) => v !== '');
    let adminsOk = true;
    if (adminValues.length === 0) {
      m.error(
        fieldPaths.initialAdminObjectIds,
        say(
          'spec.admins.empty',
          'Name at least one initial administrator by Entra object id. Only initial administrators can activate the HSM and manage its security domain; Keyward adds its own identity, because it runs the activation.',
        ),
      );
      adminsOk = false;
    }
    for (const value of adminValues) {
      const problem = validateObjectId(value, { role: say('name.role.initialAdministrator', 'initial administrator'), knownClientIds: options.knownClientIds });
      if (problem) {
        m.error(fieldPaths.initialAdminObjectIds, problem);
        adminsOk = false;
      } else if (admins.includes(value.toLowerCase())) {
        m.error(fieldPaths.initialAdminObjectIds, say('spec.admins.twice', `${value} is listed twice; list each administrator once.`, { value }));
        adminsOk = false;
      } else admins.push(value.toLowerCase());
    }

    const retentionRaw = trim(h.softDeleteRetentionDays);
    let retention: number | undefined = SPEC_DEFAULTS.softDeleteRetentionDays;
    if (retentionRaw !== '') {
      const n = Number(retentionRaw);
      const { softDeleteRetentionMinDays: lo, softDeleteRetentionMaxDays: hi } = CUSTOMER_KEY_LIMITS;
      if (!Number.isInteger(n) || n < lo || n > hi) {
        m.error(
          fieldPaths.softDeleteRetentionDays,
          say('spec.retention.invalid', `Soft-delete retention must be a whole number of days from ${lo} to ${hi} (it is fixed when the HSM is created). Keyward recommends 90.`, {
            min: lo,
            max: hi,
          }),
        );
        retention = undefined;
      } else {
        retention = n;
        if (n < CUSTOMER_KEY_LIMITS.recommendedRetentionDays)
          m.warn(
            fieldPaths.softDeleteRetentionDays,
            say(
              'spec.retention.short',
              `With ${n} days, keys report CustomizedRecoverable+ProtectedSubscription instead of the Recoverable+ProtectedSubscription that Customer Key documents; Microsoft's validation may reject it, and the value cannot be changed later. Keyward recommends 90.`,
              { days: n, customized: 'CustomizedRecoverable+ProtectedSubscription', documented: 'Recoverable+ProtectedSubscription' },
            ),
          );
      }
    }

    const officers: Person[] = [];
    let officersOk = true;
    const rows = h.officers ?? [];
    let filled = 0;
    // Officers picked from the directory first (names from the directory), then typed rows.
    for (const picked of (h.officerIds ?? []).map((v) => v.trim()).filter((v) => v !== '')) {
      filled++;
      const problem = validateObjectId(picked, { role: say('name.role.officer', 'security-domain officer'), knownClientIds: options.knownClientIds });
      const id = picked.toLowerCase();
      const name = options.displayNames?.[id];
      if (problem) m.error(fieldPaths.officerIds, problem);
      else if (officers.some((o) => o.objectId === id))
        m.error(
          fieldPaths.officerIds,
          say('spec.officers.chosenTwice', `${picked} is chosen twice. Each share of the security domain must be held by a different person.`, { id: picked }),
        );
      else if (!name)
        m.error(
          fieldPaths.officerIds,
          say('spec.officers.notFound', `Keyward could not find ${picked} in your directory. Choose the officer again from the list.`, { id: picked }),
        );
      else {
        officers.push({ objectId: id, displayName: name });
        continue;
      }
      officersOk = false;
    }
    rows.forEach((row, i) => {
      const name = trim(row.displayName);
      const oid = trim(row.objectId);
      if (name === '' && oid === '') return;
      filled++;
      const nameOk = m.check(fieldPaths.officerName(i), validateFreeText(name, 'officerName', 128, true));
      let oidOk = m.check(
        fieldPaths.officerObjectId(i),
        validateObjectId(oid, { role: say('name.role.officer', 'security-domain officer'), knownClientIds: options.knownClientIds }),
      );
      if (oidOk && officers.some((o) => o.objectId === oid.toLowerCase())) {
        m.error(
          fieldPaths.officerObjectId(i),
          say('spec.officers.twice', 'This person is already an officer in an earlier row. Each share of the security domain must be held by a different person.'),
        );
        oidOk = false;
      }
      if (nameOk && oidOk) officers.push({ objectId: oid.toLowerCase(), displayName: name });
      else officersOk = false;
    });
    const { securityDomainMinOfficers: minO, securityDomainMaxOfficers: maxO, securityDomainMinQuorum: minQ, securityDomainMaxQuorum: maxQ } = CUSTOMER_KEY_LIMITS;
    if (filled < minO) {
      m.error(
        fieldPaths.officers,
        say(
          'spec.officers.tooFew',
          `Name at least ${minO} security-domain officers (you have ${filled}). Activation needs ${minO}–${maxO} wrapping keys, each held offline by a different person.`,
          {
            min: minO,
            max: maxO,
            count: filled,
          },
        ),
      );
      officersOk = false;
    } else if (filled > maxO) {
      m.error(fieldPaths.officers, say('spec.officers.tooMany', `Name at most ${maxO} security-domain officers (you have ${filled}).`, { max: maxO, count: filled }));
      officersOk = false;
    }

    const quorumRaw = trim(h.quorum);
    let quorum: number | undefined = SPEC_DEFAULTS.quorum;
    if (quorumRaw !== '') {
      const n = Number(quorumRaw);
      quorum = Number.isInteger(n) ? n : undefined;
    }
    if (quorum === undefined || quorum < minQ || quorum > maxQ) {
      m.error(
        fieldPaths.quorum,
        say('spec.quorum.invalid', `The quorum must be a whole number from ${minQ} to ${maxQ}: how many officers must come together to recover the security domain.`, {
          min: minQ,
          max: maxQ,
        }),
      );
      quorum = undefined;
    } else if (filled >= minO && quorum > filled) {
      m.error(
        fieldPaths.quorum,
        say(
          'spec.quorum.tooLarge',
          `The quorum (${quorum}) is larger than the number of officers (${filled}), so the security domain could never be recovered. Choose a quorum from ${minQ} to ${filled}, or add officers.`,
          { quorum, count: filled, min: minQ },
        ),
      );
      quorum = undefined;
    } else {
      if (quorum < 3) m.warn(fieldPaths.quorum, say('spec.quorum.small', 'Microsoft recommends a quorum of at least 3, held by separate people in separate places.'));
      if (filled >= minO && quorum === filled)
        m.warn(
          fieldPaths.quorum,
          say(
            'spec.quorum.equal',
            "The quorum equals the number of officers: if any one officer's key is lost, the security domain can no longer be recovered. Consider more officers than the quorum.",
          ),
        );
    }

    const ack = trim(h.costAcknowledged).toLowerCase();
    acknowledged = ack === 'true';
    if (!acknowledged) {
      m.error(
        fieldPaths.costAcknowledged,
        say('spec.costAcknowledged', `Tick the billing acknowledgment to continue: "${MANAGED_HSM_COST_ACKNOWLEDGMENT}"`, {
          acknowledgment: say('setup.hsm.costAck', MANAGED_HSM_COST_ACKNOWLEDGMENT),
        }),
      );
    }
    if (adminsOk && officersOk && retention !== undefined && quorum !== undefined) {
      hsmSettings = { admins, retention, officers, quorum };
    }
  }

  // --- approvers ------------------------------------------------------------------------------
  const approvers: Record<SiteId, string[]> = { A: [], B: [] };
  let approversOk = true;
  for (const site of SITE_IDS) {
    const path = fieldPaths.approvers(site);
    for (const value of (draft.approvers?.[site] ?? []).map((v) => v.trim()).filter((v) => v !== '')) {
      const problem = validateObjectId(value, { role: say('name.role.custodian', `custodian of key ${site}`, { site }), knownClientIds: options.knownClientIds });
      if (problem) {
        m.error(path, problem);
        approversOk = false;
      } else if (!approvers[site].includes(value.toLowerCase())) approvers[site].push(value.toLowerCase());
    }
  }
  const overlap = approvers.A.filter((id) => approvers.B.includes(id));
  if (options.requireKeyCustodians) {
    for (const site of SITE_IDS) {
      if (approvers[site].length === 0 && !m.errors[fieldPaths.approvers(site)]) {
        m.error(
          fieldPaths.approvers(site),
          say('spec.custodians.missing', `Name at least one custodian for key ${site}: the approval policy requires separate custodians for each key.`, { site }),
        );
        approversOk = false;
      }
    }
    if (overlap.length > 0) {
      m.error(
        fieldPaths.approvers('B'),
        say(
          'spec.custodians.bothRequired',
          `${overlap.join(', ')} ${overlap.length === 1 ? 'is a custodian' : 'are custodians'} of both keys. The approval policy requires separation of duties: nobody may approve changes to both key A and key B.`,
          { people: overlap.join(', '), count: overlap.length },
        ),
      );
      approversOk = false;
    }
  } else if (overlap.length > 0) {
    m.warn(
      fieldPaths.approvers('B'),
      say(
        'spec.custodians.both',
        `${overlap.join(', ')} ${overlap.length === 1 ? 'is a custodian' : 'are custodians'} of both keys. Microsoft recommends that different people administer each key, so no one person can act on both.`,
        { people: overlap.join(', '), count: overlap.length },
      ),
    );
  } else if (approvers.A.length === 0 && approvers.B.length === 0 && approversOk) {
    m.warn(
      fieldPaths.approvers('A'),
      say(
        'spec.custodians.none',
        'No key custodians are named. Microsoft recommends that different people administer key A and key B; name them here so approvals can enforce it.',
      ),
    );
  }

  // --- assemble -------------------------------------------------------------------------------
  if (!protection || !workloads || !keySize || !approversOk) return undefined;
  const A = locations.A;
  const B = locations.B;
  if (!A || !B) return undefined;
  const common = { workloads, keySize, approvers: { A: approvers.A, B: approvers.B } };
  if (protection === 'keyVaultPremium') {
    const va = premiumSites.A;
    const vb = premiumSites.B;
    if (!accessModel || !va || !vb || va.length !== workloads.length || vb.length !== workloads.length) return undefined;
    const sites: Record<SiteId, PremiumSiteSpec> = { A: { ...A, vaults: va }, B: { ...B, vaults: vb } };
    return { protection, accessModel, sites, ...common };
  }
  const ha = hsmSites.A;
  const hb = hsmSites.B;
  if (!hsmSettings || !acknowledged || !ha || !hb || ha.keys.length !== workloads.length || hb.keys.length !== workloads.length) return undefined;
  const sites: Record<SiteId, ManagedHsmSiteSpec> = { A: { ...A, ...ha }, B: { ...B, ...hb } };
  return {
    protection,
    sites,
    hsm: {
      initialAdminObjectIds: hsmSettings.admins,
      softDeleteRetentionDays: hsmSettings.retention,
      officers: hsmSettings.officers,
      quorum: hsmSettings.quorum,
      costAcknowledged: true,
    },
    ...common,
  };
}
