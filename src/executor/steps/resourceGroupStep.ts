import { say } from '../../core';
import type { EnsureResourceGroupStep } from '../../customerKey';
import type { StepHandler } from '../stepHandler';

/**
 * ensureResourceGroup. Check: GET the group (Reader). An existing group is left exactly as it is
 * (its tags and location belong to its owners). Apply: PUT (Contributor). Verify: ARM's 200/201.
 * Requests: 1 when it exists, 2 when it is created.
 */
export const resourceGroupStep: StepHandler<EnsureResourceGroupStep> = {
  kind: 'ensureResourceGroup',
  describe: (step) => say('run.do.resourceGroup', `Making sure resource group ${step.params.resourceGroup} exists`, { resourceGroup: step.params.resourceGroup }),
  target: (step) => `/subscriptions/${step.params.subscriptionId}/resourceGroups/${step.params.resourceGroup}`,
  async check(step, context) {
    const { subscriptionId, resourceGroup } = step.params;
    if (await context.azure.resourceGroupExists(subscriptionId, resourceGroup)) {
      return {
        state: 'done',
        output: { resourceGroup, created: false },
        note: say('run.note.resourceGroupExists', `Resource group ${resourceGroup} already exists; left as it is.`, { resourceGroup }),
      };
    }
    return { state: 'todo' };
  },
  async apply(step, context) {
    const { subscriptionId, resourceGroup, region, tags } = step.params;
    await context.azure.ensureResourceGroup(subscriptionId, resourceGroup, region, { ...tags });
    return { resourceGroup, created: true };
  },
  async verify(step, _context, output) {
    return {
      output,
      note: say('run.note.resourceGroupCreated', `Created resource group ${step.params.resourceGroup} in ${step.params.region}.`, {
        resourceGroup: step.params.resourceGroup,
        region: step.params.region,
      }),
    };
  },
};
