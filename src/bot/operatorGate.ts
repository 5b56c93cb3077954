import type { ApprovalPolicy } from '../approvals/approvalPolicy';
import { mayOperate, maySeeOperations } from '../approvals/approvalPolicy';
import type { Actor, BotFeature, CardActionSpec, CommandSpec, TurnIo } from './botTypes';
import { localizer } from './i18n/localizer';

/** What a command or card verb lets someone do: start a journey, or look at the inventory and runs. */
export type OperatorNeed = 'start' | 'see';

/** Which commands and verbs need what (the rest stay as they are: journey cards check their owner, approval and run cards their voters). */
export interface OperatorRules {
  commands: Readonly<Record<string, OperatorNeed>>;
  verbs: Readonly<Record<string, OperatorNeed>>;
}

export interface OperatorGateDeps {
  policy: Pick<ApprovalPolicy, 'operators' | 'groups' | 'tenantId'>;
  rules: OperatorRules;
  /** Records a refusal in the audit log (the approvals service's `auditRefusal`). */
  audit(event: { actor: { objectId: string; name?: string; tenantId?: string }; action: string; target: string; reason: string; details: Record<string, unknown> }): Promise<void>;
}

/**
 * The policy's optional `operators` group (issue 12 item 6): only its members start journeys
 * (setup, DEP, key roll, teardown), and only they, the approvers and the custodians see the
 * inventory and runs. Without the group, everyone in an allowed tenant may (the policy card says
 * which applies). Wraps features' commands and card verbs; a refusal is audited and answered in
 * the person's language, and nothing else runs.
 */
export function gateFeatures(features: readonly BotFeature[], deps: OperatorGateDeps): BotFeature[] {
  if (!deps.policy.operators) return [...features];
  const allowed = (actor: Actor, need: OperatorNeed) => {
    const objectId = actor.aadObjectId?.toLowerCase();
    if (!objectId || actor.tenantId?.toLowerCase() !== deps.policy.tenantId) return false;
    return need === 'start' ? mayOperate(deps.policy, objectId) : maySeeOperations(deps.policy, objectId);
  };
  const refuse = async (io: TurnIo, need: OperatorNeed, target: string): Promise<string> => {
    await deps.audit({
      actor: {
        objectId: io.actor.aadObjectId?.toLowerCase().slice(0, 64) || 'unidentified',
        name: io.actor.name?.slice(0, 200),
        tenantId: io.actor.tenantId?.toLowerCase().slice(0, 64),
      },
      action: 'operator.refused',
      target,
      reason: 'NotAnOperator',
      details: { need, conversationId: io.conversation.id, conversationKind: io.conversation.kind },
    });
    return localizer(io.locale).t('chat.operators.only', { group: deps.policy.operators?.name ?? '', need });
  };
  const gateCommand = (command: CommandSpec): CommandSpec => {
    const need = deps.rules.commands[command.name];
    if (!need) return command;
    return {
      ...command,
      async run(args, io) {
        if (allowed(io.actor, need)) return command.run(args, io);
        const refused = await refuse(io, need, `command/${command.name}`);
        // From a card button (the welcome card) the invoke answers with it; typed, it is a reply.
        if ('trigger' in io) return { refused };
        await io.sendText(refused);
        return { refused };
      },
    };
  };
  const gateAction = (action: CardActionSpec): CardActionSpec => {
    const need = deps.rules.verbs[action.verb];
    if (!need) return action;
    return {
      ...action,
      async run(data, context) {
        if (allowed(context.actor, need)) return action.run(data, context);
        return { kind: 'message', text: await refuse(context, need, `verb/${action.verb}`) };
      },
    };
  };
  return features.map((feature) => ({
    ...feature,
    ...(feature.commands ? { commands: feature.commands.map(gateCommand) } : {}),
    ...(feature.cardActions ? { cardActions: feature.cardActions.map(gateAction) } : {}),
  }));
}
