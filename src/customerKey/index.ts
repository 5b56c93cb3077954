/**
 * Keyward's Customer Key domain library: every Microsoft 365 Customer Key rule as pure functions
 * and data. No I/O, no Azure SDK, no Teams; imports only `src/core` and zod. Time is passed in.
 *
 * - Facts: workloads and their service principals, role ids, limits, the Premium vs Managed HSM
 *   comparison, mandatory-retention commands, cost notes (`workloads`, `roles`, `facts`).
 * - Regions: catalogue with pairs, relation of two regions, Managed HSM availability (`regions`).
 * - Names: validators with actionable messages (`naming`).
 * - Spec: `CustomerKeySpec`, the card form schemas, `validateSpec` / `validateSetupStep`
 *   (`spec`, `specForm`, `validateSpec`).
 * - Plans: `Plan`/`PlanStep`, `planHash`, builders for setup, key roll, teardown and DEP
 *   (`plan`, `setupPlan`, `keyRollPlan`, `teardownPlan`, `depPlan`), and what a plan says as
 *   messages for the cards (`planText`).
 * - Words: everything a person reads is a `Message` (src/core/message.ts): a catalogue id, its
 *   values and the English; the bot says it in the reader's language.
 * - Checks: preflight (before approval) and readiness (after setup, and on schedule) as
 *   checklist lines with fixes (`checklist`, `preflight`, `readiness`).
 * - DEPs: key identifiers, injection-proof PowerShell, DEP and refresh scripts, parsers for the
 *   pasted Get- output (`keyUris`, `powershell`, `depTypes`, `depScripts`, `depParsers`).
 *
 * Design note: docs/designs/2026-11-29-customer-key-domain.md.
 * @packageDocumentation
 */

export {
  type Workload,
  type M365ServicePrincipal,
  type WorkloadInfo,
  WORKLOADS,
  WORKLOAD_INFO,
  M365_SERVICE_PRINCIPALS,
  EXCHANGE_ONLINE_SP,
  SHAREPOINT_ONLINE_SP,
  M365_DATA_AT_REST_ENCRYPTION_SP,
  CUSTOMER_KEY_ONBOARDING_SP,
  WELL_KNOWN_CLIENT_IDS,
  isWorkload,
  servicePrincipalFor,
  canonicalWorkloads,
  workloadName,
} from './workloads';

export { type PlanText, planText, stepMessage } from './planText';

export {
  type RoleDefinition,
  type RolePlane,
  type RoleKey,
  ROLES,
  M365_KEY_PERMISSIONS,
  KEYWARD_KEY_PERMISSIONS,
  CUSTOMER_KEY_KEY_OPS,
  KEYWARD_VAULT_KEY_DATA_ACTIONS,
  KEYWARD_HSM_KEY_DATA_ACTIONS,
  FORBIDDEN_KEYWARD_DATA_ACTIONS,
  KEYWARD_HSM_KEY_ROLE,
  KEYWARD_VAULT_KEY_ROLE_NAME,
} from './roles';

export {
  type DocLink,
  type ComparisonRow,
  type CommandSnippet,
  DOC_LINKS,
  CUSTOMER_KEY_LIMITS,
  REQUIRED_RECOVERY_LEVEL,
  CUSTOMIZED_RECOVERY_LEVEL,
  PROTECTION_COMPARISON,
  MANDATORY_RETENTION_FEATURE,
  COST_NOTES,
  MANAGED_HSM_COST_ACKNOWLEDGMENT,
  mandatoryRetentionCommands,
  AVAILABILITY_KEY,
} from './facts';

export {
  type AzureRegion,
  type RegionRelation,
  type ManagedHsmRegionStatus,
  AZURE_REGIONS,
  REGION_DATA_AS_OF,
  MANAGED_HSM_REGIONS_CONSERVATIVE,
  findRegion,
  normalizeRegionName,
  regionRelation,
  sameRegionAdvice,
  managedHsmRegionStatus,
} from './regions';

export {
  type NameProblem,
  type ObjectIdCheckOptions,
  validateVaultName,
  validateManagedHsmName,
  validateKeyName,
  validateResourceGroupName,
  validateSubscriptionId,
  validateTenantId,
  validateObjectId,
  validateDepPolicyName,
  validateFreeText,
  validateMailboxIdentity,
  validateSharePointAdminUrl,
  validateKeyVersion,
} from './naming';
export { DEFAULT_CONTAINER_NAME_PATTERN, type NameParts, containerNameFromPattern, namePatternProblem } from './nameSuggestions';

export * from './spec';
export {
  type SetupFormValues,
  type FormParseResult,
  SETUP_FORM_SCHEMAS,
  SETUP_STEP_FIELDS,
  MAX_FORM_VALUE_LENGTH,
  parseSetupForm,
  draftFromForm,
  mergeDraft,
  formValuesFromDraft,
  splitList,
} from './specForm';
export { type SpecValidationOptions, type SpecValidation, type StepValidation, type FieldMessages, validateSpec, validateSetupStep } from './validateSpec';

export { type KeyRef, keyRefsOf, keyPairFor, containerResourceId } from './keyRefs';
export * from './plan';
export { type SetupPlanContext, buildSetupPlan } from './setupPlan';
export { type KeyRollInput, buildKeyRollPlan } from './keyRollPlan';
export { type TeardownInput, type TeardownTarget, buildTeardownPlan, assertNoDepUsesKeys } from './teardownPlan';
export { type DepPlanInput, buildDepPlan } from './depPlan';

export * from './checklist';
export {
  type NameTarget,
  type PermissionRequirement,
  type PreflightTargets,
  type PreflightObservations,
  type PreflightContext,
  type SubscriptionObservation,
  type FeatureObservation,
  type ResourceGroupObservation,
  type NameObservation,
  type HsmCountObservation,
  type HsmLocationsObservation,
  type PermissionObservation,
  type ServicePrincipalObservation,
  type TeardownPreflightObservations,
  preflightTargets,
  evaluatePreflight,
  evaluateTeardownPreflight,
  subscriptionStateFix,
  resourceGroupKey,
  hsmCountKey,
  nameKey,
  nameLine,
} from './preflight';
export {
  type ObservedKey,
  type ObservedContainer,
  type ObservedAccess,
  type ObservedBackup,
  type KeyReadinessObservation,
  type ReadinessKey,
  type ReadinessInput,
  evaluateReadiness,
  expiryMillis,
  isAcceptedExpiry,
} from './readiness';

export {
  type KeyContainerKind,
  type KeyIdentifier,
  type KeyUriOptions,
  type KeyUriParse,
  KEY_HOST_SUFFIXES,
  parseKeyIdentifier,
  normalizeKeyUri,
  versionlessKeyUri,
  sameKey,
} from './keyUris';
export {
  type PsArgument,
  POWERSHELL_SINGLE_QUOTES,
  psLiteral,
  psLiteralList,
  psCommand,
  psAssign,
  lit,
  litList,
  psSwitch,
  psSwitchValue,
  psCode,
  unsafeCharacterMessage,
} from './powershell';
export * from './depTypes';
export {
  type DepRefreshInput,
  ONBOARDING_MODULE,
  EXCHANGE_MODULE,
  SHAREPOINT_MODULE,
  DEFAULT_ONBOARDING_SCENARIOS,
  validateDepRequest,
  buildDepScript,
  buildDepRefreshScript,
  buildMailboxOffboardingScript,
  depScriptTitle,
  refreshTitle,
  DEP_OFFBOARDING,
  APP_ONLY_LEAVES_OUT_ONBOARDING,
  SPO_REGISTER_HSM_UNDOCUMENTED,
  type MailboxOffboardingInput,
} from './depScripts';
export {
  type FormatListRecord,
  type DepPolicyState,
  type ParseOutcome,
  type SpoDepState,
  type SpoDepStateName,
  type SpoKeyState,
  parseFormatList,
  parseListValue,
  field,
  parseM365DataAtRestEncryptionPolicies,
  parseDataEncryptionPolicies,
  parseM365DataAtRestEncryptionPolicyAssignment,
  parseSpoDataEncryptionPolicy,
  depPolicyUsesKeys,
} from './depParsers';
export { type CmdletParameter, type CmdletSignature, CMDLET_SIGNATURES, COMMON_PARAMETERS, COMMON_PARAMETERS_SOURCE, cmdletSignature } from './cmdletSignatures';
export {
  type OnboardingState,
  type OnboardingRecord,
  type OnboardingScriptInput,
  type OnboardingRequestView,
  type MandatoryRetentionWait,
  ONBOARDING_MODULE_NAME,
  ONBOARDING_COVERAGE,
  onboardingDone,
  onboardingFallback,
  buildOnboardingScript,
  onboardingStatusCommand,
  parseOnboardingRequests,
  onboardingStateFrom,
  businessDaysBetween,
  mandatoryRetentionWait,
} from './onboarding';
export { type SubscribedSkuView, CUSTOMER_KEY_SERVICE_PLAN, QUALIFYING_LICENCES, MAILBOX_DEP_LICENCE_NOTE, licenceLine } from './licences';
