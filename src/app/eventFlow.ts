import { toAppError, type Logger } from '../core';
import type { ApprovalsRuntime } from './approvalsRuntime';
import type { ExecutorRuntime } from './executorRuntime';
import type { OpsRuntime } from './operationsRuntime';

/**
 * How one click becomes Azure work and inventory, in one place. Every committed approval change
 * (a vote that decides, a cancel, an expiry, the executor's own begin/finish) is told, after it
 * committed, to:
 *
 *   approval change ─┬─▶ approval cards and messages  (ApprovalNotifications, approvalsRuntime.ts)
 *                    ├─▶ approved? → the executor claims the request exactly once
 *                    │     (beginExecution's compare-and-set) and runs the plan; each step's change
 *                    │     goes to the run cards (RunCardNotifier) and back here as the request's
 *                    │     executing → succeeded | failed
 *                    └─▶ the operations: DEP, key-roll and teardown journeys move with their
 *                          request, and the request's run is folded into the inventory
 *
 * Today the changes travel inside the process that committed them; the listeners are idempotent
 * (a second delivery finds the work done), so the same wiring can be fed from a database outbox.
 * Returns the function that unwires it.
 */
export function wireEventFlow(parts: { approvals: ApprovalsRuntime; executor: ExecutorRuntime; operations: OpsRuntime; logger: Logger }): () => void {
  const { approvals, executor, operations, logger } = parts;
  const stopRuns = approvals.service.onApproved((request) => executor.service.onApproved(request));
  const stopOperations = approvals.service.onChange(async (change) => {
    try {
      await operations.onRequestChanged(change.request);
    } catch (error) {
      logger.error({ requestId: change.request.id, change: change.change, err: toAppError(error).message }, 'the journeys and inventory could not follow an approval change');
    }
  });
  return () => {
    stopRuns();
    stopOperations();
  };
}
