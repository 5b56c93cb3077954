/** Action.Execute verbs of the status (inventory) and health cards. */
export const INVENTORY_VERBS = {
  checkHealth: 'inventory.health',
  status: 'inventory.status',
  shareHeld: 'inventory.share.held',
  shareLost: 'inventory.share.lost',
} as const;
