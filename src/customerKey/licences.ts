/**
 * Licences (issue 11 item 9): Customer Key needs a licence that includes it, and each mailbox that
 * gets a mailbox DEP needs an appropriate licence of its own.
 *
 * Keyward reads the tenant's subscribed SKUs from Microsoft Graph (`GET /v1.0/subscribedSkus`,
 * application permission LicenseAssignment.Read.All, least privileged per
 * https://learn.microsoft.com/graph/api/subscribedsku-list) with its reader identity and looks for
 * the Customer Key service plan in each SKU. A SKU whose service plans include it qualifies, whatever
 * its name; the list of qualifying licences below is what Microsoft's page names, for the card.
 */
import { commaList, say, sentences, type Message } from '../core';
import type { ChecklistLine, Observed } from './checklist';
import { DOC_LINKS } from './facts';

/**
 * The Customer Key service plan inside a licence. Name and id as Microsoft Graph reports them in
 * `servicePlans` (Microsoft's "Product names and service plan identifiers for licensing" page,
 * https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference — that page was
 * not readable here, the pair is taken from Graph output; UNCONFIRMED against the page itself).
 */
export const CUSTOMER_KEY_SERVICE_PLAN = { name: 'CUSTOMER_KEY', id: '6db1f1db-2b46-403f-be40-e39395f08dbb' } as const;

/**
 * Licences that include Customer Key, as Purview "Set up Customer Key" names them
 * (https://learn.microsoft.com/purview/customer-key-set-up; facts §1.1 and its corrections). The
 * page's current list is longer than the part read here; the plan check above decides.
 */
export const QUALIFYING_LICENCES: readonly string[] = [
  'Office 365 E5',
  'Microsoft 365 E5',
  'Microsoft 365 E5 Compliance',
  'Microsoft 365 E5 Information Protection & Governance',
  'Microsoft 365 Security and Compliance for FLW',
  'Office 365 Advanced Compliance (existing licences still honoured)',
];

/** What mailbox DEPs need per mailbox (Purview "Service encryption with Customer Key" [S4]). */
export const MAILBOX_DEP_LICENCE_NOTE: Message = say(
  'licence.mailboxNote',
  'Each user mailbox that gets an Exchange mailbox DEP needs a licence that includes Customer Key; shared, public-folder and group mailboxes need no licence of their own when the tenant meets the user licensing requirement. "All mailboxes" assigns only licensed user mailboxes and shared mailboxes and lists the rest.',
);

/** One SKU the tenant subscribes to, as Graph returns it (the fields Keyward reads). */
export interface SubscribedSkuView {
  readonly skuId: string;
  readonly skuPartNumber: string;
  /** `Enabled`, `Warning`, `Suspended`, `Deleted`, `LockedOut`. */
  readonly capabilityStatus: string;
  readonly enabledUnits: number;
  readonly consumedUnits: number;
  readonly servicePlanNames: readonly string[];
  readonly servicePlanIds: readonly string[];
}

function includesCustomerKey(sku: SubscribedSkuView): boolean {
  return sku.servicePlanIds.some((id) => id.toLowerCase() === CUSTOMER_KEY_SERVICE_PLAN.id) || sku.servicePlanNames.some((n) => n.toUpperCase() === CUSTOMER_KEY_SERVICE_PLAN.name);
}

/**
 * The preflight line: pass when an active SKU includes the Customer Key plan, warn when the only
 * ones are in a grace state (Warning), fail when none does, unknown when Graph could not be read.
 */
export function licenceLine(observed: Observed<readonly SubscribedSkuView[]> | undefined): ChecklistLine {
  const id = 'licence:customerKey';
  const title = say('licence.title', 'The tenant holds a licence that includes Customer Key');
  const licences = QUALIFYING_LICENCES.join('; ');
  const fixText = say('licence.fix', `Buy or assign one of the licences that include Customer Key (${licences}), then re-run preflight.`, { licences });
  if (!observed) return { id, status: 'unknown', title, detail: say('check.notChecked', 'Not checked yet.'), fix: { text: say('check.runAgain', 'Run the check again.') } };
  if (!observed.ok) {
    const error = observed.error.message;
    return {
      id,
      status: 'unknown',
      title,
      detail: observed.error.code
        ? say('licence.unreadableCode', `Keyward could not read the tenant's licences: ${error} (${observed.error.code}).`, { error, code: observed.error.code })
        : say('licence.unreadable', `Keyward could not read the tenant's licences: ${error}.`, { error }),
      fix: {
        text: say(
          'licence.fixUnreadable',
          "Give Keyward's reader identity the Microsoft Graph application permission LicenseAssignment.Read.All (admin consent), or check the licences in the Microsoft 365 admin center yourself.",
          { permission: 'LicenseAssignment.Read.All' },
        ),
        links: [DOC_LINKS.customerKeySetUp],
      },
    };
  }
  const withPlan = observed.value.filter(includesCustomerKey);
  const active = withPlan.filter((s) => s.capabilityStatus === 'Enabled' && s.enabledUnits > 0);
  const grace = withPlan.filter((s) => s.capabilityStatus === 'Warning');
  const describe = (skus: readonly SubscribedSkuView[]): Message[] =>
    skus.map((s) =>
      say('licence.sku', `${s.skuPartNumber} (${s.consumedUnits} of ${s.enabledUnits} assigned, ${s.capabilityStatus})`, {
        sku: s.skuPartNumber,
        consumed: s.consumedUnits,
        enabled: s.enabledUnits,
        status: s.capabilityStatus,
      }),
    );
  const listed = (skus: Message[]) => commaList(skus);
  const plan = CUSTOMER_KEY_SERVICE_PLAN.name;
  if (active.length > 0) {
    return {
      id,
      status: 'pass',
      title,
      detail: sentences(
        say('licence.included', `${listed(describe(active)).text} include${active.length === 1 ? 's' : ''} the ${plan} plan.`, {
          skus: listed(describe(active)),
          count: active.length,
          plan,
        }),
        MAILBOX_DEP_LICENCE_NOTE,
      ),
    };
  }
  if (grace.length > 0) {
    return {
      id,
      status: 'warn',
      title,
      detail: say(
        'licence.grace',
        `Only ${listed(describe(grace)).text} include${grace.length === 1 ? 's' : ''} Customer Key, and ${grace.length === 1 ? 'it is' : 'they are'} in the Warning (grace) state: renew before the keys are in use.`,
        { skus: listed(describe(grace)), count: grace.length },
      ),
      fix: { text: fixText, links: [DOC_LINKS.customerKeySetUp] },
    };
  }
  const parts = observed.value.map((s) => s.skuPartNumber).join(', ');
  return {
    id,
    status: 'fail',
    title,
    detail: parts
      ? say('licence.none', `None of the tenant's ${observed.value.length} subscribed licences includes the ${plan} service plan (${parts}).`, {
          count: observed.value.length,
          plan,
          skus: parts,
        })
      : say('licence.noneAtAll', `None of the tenant's ${observed.value.length} subscribed licences includes the ${plan} service plan (none).`, {
          count: observed.value.length,
          plan,
        }),
    fix: { text: fixText, links: [DOC_LINKS.customerKeySetUp] },
  };
}
