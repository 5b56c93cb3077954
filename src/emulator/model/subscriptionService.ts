import { resourceGroupKey } from './emulatorState';
import { requireLocation } from './locations';
import { type ModelContext, nowMs } from './modelContext';
import { assertResourceGroupName } from './names';
import {
  FEATURE_STATES,
  type FeatureState,
  MANDATORY_RETENTION_FEATURE,
  type ResourceGroupRecord,
  SUBSCRIPTION_STATES,
  type SubscriptionRecord,
  type SubscriptionState,
} from './records';
import { badRequest, conflict, notFound } from './serviceError';

/**
 * Subscriptions, their states and feature registrations, and resource groups.
 *
 * Write rules by subscription state (ARM's RP lifecycle contract): Disabled and Deleted allow GET
 * and DELETE only; PUT, PATCH and POST (purge included) get `409 ReadOnlyDisabledSubscription`.
 * Warned and PastDue behave as Enabled for writes (Azure's subscription-states page says all
 * operations stay available while Warned; the RP contract's stricter reading is UNCONFIRMED).
 */
export class SubscriptionService {
  constructor(private readonly context: ModelContext) {}

  list(): SubscriptionRecord[] {
    return [...this.context.state.subscriptions.values()];
  }

  get(subscriptionId: string): SubscriptionRecord {
    const subscription = this.context.state.subscriptions.get(subscriptionId.toLowerCase());
    if (!subscription) throw notFound('SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    return subscription;
  }

  /** Throws Azure's read-only error when the subscription refuses writes (PUT, PATCH, POST). */
  assertWritable(subscriptionId: string): SubscriptionRecord {
    const subscription = this.get(subscriptionId);
    if (subscription.state === 'Disabled' || subscription.state === 'Deleted') {
      throw conflict(
        'ReadOnlyDisabledSubscription',
        `The subscription '${subscription.id}' is disabled and therefore marked as read only. You cannot perform any write actions on this subscription until it is re-enabled.`,
      );
    }
    return subscription;
  }

  setState(subscriptionId: string, state: string): SubscriptionRecord {
    if (!SUBSCRIPTION_STATES.includes(state as SubscriptionState)) {
      throw badRequest('InvalidSubscriptionState', `'${state}' is not a subscription state; use one of ${SUBSCRIPTION_STATES.join(', ')}.`);
    }
    const subscription = this.get(subscriptionId);
    subscription.state = state as SubscriptionState;
    this.context.state.markDirty('subscription', subscription.id.toLowerCase());
    return subscription;
  }

  featureState(subscriptionId: string, feature: string): FeatureState {
    const subscription = this.get(subscriptionId);
    return subscription.features[canonicalFeature(subscription, feature)] ?? 'NotRegistered';
  }

  /**
   * Register a feature. The mandatory retention period needs Microsoft's approval, so it moves to
   * Pending (the control API approves it); other features register at once.
   */
  registerFeature(subscriptionId: string, feature: string): FeatureState {
    const subscription = this.assertWritable(subscriptionId);
    const name = canonicalFeature(subscription, feature);
    const current = subscription.features[name] ?? 'NotRegistered';
    if (current === 'Registered' || current === 'Pending' || current === 'Registering') return current;
    const next: FeatureState = name.toLowerCase() === MANDATORY_RETENTION_FEATURE.toLowerCase() ? 'Pending' : 'Registered';
    return this.writeFeature(subscription, name, next);
  }

  unregisterFeature(subscriptionId: string, feature: string): FeatureState {
    const subscription = this.assertWritable(subscriptionId);
    return this.writeFeature(subscription, canonicalFeature(subscription, feature), 'Unregistered');
  }

  /** Control API: set any state (e.g. approve a Pending registration). */
  setFeatureState(subscriptionId: string, feature: string, state: string): FeatureState {
    if (!FEATURE_STATES.includes(state as FeatureState)) {
      throw badRequest('InvalidFeatureState', `'${state}' is not a feature state; use one of ${FEATURE_STATES.join(', ')}.`);
    }
    const subscription = this.get(subscriptionId);
    return this.writeFeature(subscription, canonicalFeature(subscription, feature), state as FeatureState);
  }

  listFeatures(subscriptionId: string): Array<{ name: string; state: FeatureState }> {
    const subscription = this.get(subscriptionId);
    const names = new Set([MANDATORY_RETENTION_FEATURE, ...Object.keys(subscription.features)]);
    return [...names].map((name) => ({ name, state: subscription.features[name] ?? 'NotRegistered' }));
  }

  isMandatoryRetentionRegistered(subscriptionId: string): boolean {
    const subscription = this.context.state.subscriptions.get(subscriptionId.toLowerCase());
    return subscription?.features[MANDATORY_RETENTION_FEATURE] === 'Registered';
  }

  putResourceGroup(subscriptionId: string, name: string, body: { location?: unknown; tags?: unknown }): { group: ResourceGroupRecord; created: boolean } {
    this.assertWritable(subscriptionId);
    assertResourceGroupName(name);
    const key = resourceGroupKey(subscriptionId, name);
    const existing = this.context.state.resourceGroups.get(key);
    const location = requireLocation(body.location, 'resourceGroups');
    const tags = readTags(body.tags);
    if (existing) {
      if (existing.location !== location) {
        throw badRequest('InvalidResourceGroupLocation', `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`);
      }
      existing.tags = tags;
      this.context.state.markDirty('resourceGroup', key);
      return { group: existing, created: false };
    }
    const group: ResourceGroupRecord = { subscriptionId: this.get(subscriptionId).id, name, location, tags, createdAt: nowMs(this.context) };
    this.context.state.resourceGroups.set(key, group);
    this.context.state.markDirty('resourceGroup', key);
    return { group, created: true };
  }

  getResourceGroup(subscriptionId: string, name: string): ResourceGroupRecord {
    this.get(subscriptionId);
    const group = this.context.state.resourceGroups.get(resourceGroupKey(subscriptionId, name));
    if (!group) throw notFound('ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
    return group;
  }

  listResourceGroups(subscriptionId: string): ResourceGroupRecord[] {
    const id = this.get(subscriptionId).id.toLowerCase();
    return [...this.context.state.resourceGroups.values()].filter((g) => g.subscriptionId.toLowerCase() === id);
  }

  /** Removes the group record; the caller deletes what it contains first. */
  deleteResourceGroup(subscriptionId: string, name: string): boolean {
    this.get(subscriptionId);
    const key = resourceGroupKey(subscriptionId, name);
    const existed = this.context.state.resourceGroups.delete(key);
    if (existed) this.context.state.markDirty('resourceGroup', key);
    return existed;
  }

  private writeFeature(subscription: SubscriptionRecord, name: string, state: FeatureState): FeatureState {
    subscription.features[name] = state;
    this.context.state.markDirty('subscription', subscription.id.toLowerCase());
    return state;
  }
}

/** Feature names are case-insensitive; reuse the spelling already stored, if any. */
function canonicalFeature(subscription: SubscriptionRecord, feature: string): string {
  const lower = feature.toLowerCase();
  if (lower === MANDATORY_RETENTION_FEATURE.toLowerCase()) return MANDATORY_RETENTION_FEATURE;
  return Object.keys(subscription.features).find((name) => name.toLowerCase() === lower) ?? feature;
}

export function readTags(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('InvalidTag', 'The tags property must be an object of string values.');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50) throw badRequest('InvalidTag', 'At most 50 tags are allowed on a resource.');
  const tags: Record<string, string> = {};
  for (const [key, tagValue] of entries) {
    if (typeof tagValue !== 'string') throw badRequest('InvalidTag', `The value of tag '${key}' must be a string.`);
    if (key.length > 512 || tagValue.length > 256) throw badRequest('InvalidTagNameCharacters', `Tag '${key}' is too long (names up to 512, values up to 256 characters).`);
    tags[key] = tagValue;
  }
  return tags;
}
