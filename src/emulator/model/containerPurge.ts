import { type EmulatorState, keyRowId } from './emulatorState';

/** Purging a vault or HSM destroys its keys and the Azure role assignments scoped inside it. */
export function purgeContainer(state: EmulatorState, containerUid: string, resourceId: string): void {
  const keys = state.keys.get(containerUid);
  if (keys) {
    for (const key of keys.values()) state.markDirty('key', keyRowId(containerUid, key.name));
    state.keys.delete(containerUid);
  }
  const prefix = resourceId.toLowerCase();
  for (const [id, assignment] of state.roleAssignments) {
    const scope = assignment.scope.toLowerCase();
    if (scope === prefix || scope.startsWith(`${prefix}/`)) {
      state.roleAssignments.delete(id);
      state.markDirty('roleAssignment', id);
    }
  }
}
