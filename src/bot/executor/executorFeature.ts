import { toAppError, type Logger } from '../../core';
import { errorMeaning } from '../i18n/errorWords';
import type { ExecutorActor, ExecutorService } from '../../executor/executorService';
import type { Run } from '../../executor/runTypes';
import type { BotFeature, CardActionContext, CardActionResult, CardActionSpec, TurnIo } from '../botTypes';
import type { AdaptiveCardJson } from '../cards/adaptiveCard';
import { parseRunCardData, type RunVerb } from '../cards/runCardData';
import type { RunCardView } from '../cards/runCard';
import { renderVerifyCard } from '../cards/runVerifyCard';
import { VERBS } from '../cards/verbs';
import { localizer } from '../i18n/localizer';

export interface ExecutorFeatureDeps {
  executor: ExecutorService;
  /** The tenant whose people may act (the approval policy's). */
  tenantId: string;
  render(run: Run, notice?: RunCardView['notice'], locale?: string): Promise<AdaptiveCardJson>;
  /** Remembers a run card shown by a command so later changes update it. */
  remember(card: { runId: string; conversationId: string; messageId: string; reference: Record<string, unknown> }): Promise<void>;
  logger: Logger;
}

const MAX_LISTED = 5;

/**
 * The executor's slice of the bot: `verify` (the readiness check, red/green with a fix per red
 * line), `runs` (where recent runs stand), `ceremony` (the runs waiting for your security-domain
 * certificate), and the run card's buttons: Retry, Hand in my certificate, Refresh.
 *
 * Who clicked is the activity's Entra object id and tenant — never card data. Every refusal is
 * answered with the current card and a sentence saying why, and is audited by the executor.
 */
export function createExecutorFeature(deps: ExecutorFeatureDeps): BotFeature {
  const { executor } = deps;

  const actorOf = (io: TurnIo): ExecutorActor | undefined => {
    const tenantId = io.actor.tenantId?.toLowerCase();
    if (!io.actor.aadObjectId || tenantId !== deps.tenantId) return undefined;
    return { aadObjectId: io.actor.aadObjectId.toLowerCase(), name: io.actor.name, tenantId };
  };

  const show = async (io: TurnIo, run: Run): Promise<void> => {
    const messageId = await io.sendCard(await deps.render(run, undefined, io.locale));
    if (messageId) await deps.remember({ runId: run.id, conversationId: io.conversation.id, messageId, reference: cleanReference(io.reference()) });
  };

  const verifyCommand = async (args: string, io: TurnIo): Promise<void> => {
    const actor = actorOf(io);
    if (!actor) {
      const l = localizer(io.locale);
      await io.sendText(l.t('chat.verify.whoAreYou', { code: errorMeaning(l, 'TenantNotAllowed') }));
      return;
    }
    try {
      const { run, report } = await executor.verify(args.trim() || undefined, actor);
      await io.sendCard(renderVerifyCard({ run, report, locale: io.locale }));
    } catch (error) {
      const failure = toAppError(error);
      await io.sendText(failure.code === 'NotFound' ? failure.message : localizer(io.locale).t('chat.verify.couldNotRun', { message: failure.message, code: failure.code }));
    }
  };

  const runsCommand = async (_args: string, io: TurnIo): Promise<void> => {
    if (!actorOf(io)) {
      await io.sendText(errorMeaning(localizer(io.locale), 'TenantNotAllowed'));
      return;
    }
    const runs = (await executor.list()).slice(-MAX_LISTED).reverse();
    if (runs.length === 0) {
      await io.sendText(localizer(io.locale).t('chat.runs.none'));
      return;
    }
    for (const run of runs) await show(io, run);
  };

  const ceremonyCommand = async (_args: string, io: TurnIo): Promise<void> => {
    const actor = actorOf(io);
    if (!actor?.aadObjectId) {
      await io.sendText(errorMeaning(localizer(io.locale), 'TenantNotAllowed'));
      return;
    }
    const runs = await executor.waitingForOfficer(actor.aadObjectId);
    if (runs.length === 0) {
      await io.sendText(localizer(io.locale).t('chat.ceremony.none'));
      return;
    }
    for (const run of runs) await show(io, run);
  };

  const action = (verb: RunVerb): CardActionSpec => ({
    verb,
    run: (data, context) => handle(verb, data, context),
  });

  const handle = async (verb: RunVerb, data: Record<string, unknown>, context: CardActionContext): Promise<CardActionResult> => {
    const parsed = parseRunCardData(data, verb);
    const l = localizer(context.locale);
    if (!parsed.ok) return { kind: 'message', text: l.t('chat.runs.badCardData') };
    const run = await executor.get(parsed.data.runId);
    if (!run) return { kind: 'message', text: l.t('chat.runs.gone') };
    const answer = async (current: Run, notice?: RunCardView['notice']): Promise<CardActionResult> => ({ kind: 'card', card: await deps.render(current, notice, context.locale) });
    if (parsed.data.cardVersion > run.version) return answer(run, { kind: 'error', text: l.t('chat.neverIssued') });
    if (verb === VERBS.runView) return answer(run);
    const actor = actorOf(context);
    if (!actor) return answer(run, { kind: 'error', text: l.t('chat.nothingDone', { code: errorMeaning(l, 'TenantNotAllowed') }) });
    if (verb === VERBS.runRetry) {
      if (parsed.data.cardVersion !== run.version) return answer(run, { kind: 'warning', text: l.t('chat.runs.outOfDate') });
      const outcome = await executor.retry(run.id, actor);
      return outcome.ok
        ? answer(outcome.run, { kind: 'success', text: outcome.message })
        : answer(outcome.run ?? run, { kind: 'error', text: `${outcome.error.message} (${outcome.error.code})` });
    }
    // An officer's own certificate is not stale data: it counts while their certificate is awaited.
    const outcome = await executor.submitCertificate(run.id, actor, parsed.data.certificatePem ?? '');
    return outcome.ok
      ? answer(outcome.run, { kind: 'success', text: outcome.message })
      : answer(outcome.run ?? run, { kind: 'error', text: `${outcome.error.message} (${outcome.error.code})` });
  };

  return {
    name: 'executor',
    commands: [
      {
        name: 'verify',
        aliases: ['readiness'],
        summary: 'check the keys Keyward set up against the Customer Key rules ("verify <request id>" for a specific one)',
        run: verifyCommand,
      },
      { name: 'runs', summary: 'where the latest approved plans stand, step by step', run: runsCommand },
      { name: 'ceremony', summary: 'security-domain ceremonies waiting for your public certificate', run: ceremonyCommand },
    ],
    cardActions: [action(VERBS.runRetry), action(VERBS.runCertificate), action(VERBS.runView)],
  };
}

/** References are stored without the triggering activity's id: later posts are new messages. */
function cleanReference(reference: Record<string, unknown>): Record<string, unknown> {
  const { activityId: _activityId, ...rest } = reference;
  return rest;
}
