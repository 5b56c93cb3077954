import { ActivityTypes, CardFactory, MessageFactory, TurnContext, type Activity, type Storage } from 'botbuilder';
import { Application, TurnState, type TeamsAdapter } from '@microsoft/teams-ai';
import { newId, toAppError, type Logger } from '../core';
import type { AdaptiveCardJson } from './cards/adaptiveCard';
import type { Actor, BotFeature, CardActionContext, CardActionResult, CardActionSpec, CommandSpec, ConversationInfo, TurnIo } from './botTypes';
import { parseCommandText } from './commandText';
import { VERBS } from './cards/verbs';
import { explainError } from './i18n/errorWords';
import { isMessageId, localizer } from './i18n/localizer';

interface KeywardConversationState {
  /** Set once the welcome card went out in this conversation (install or first message). */
  welcomedAt?: string;
}

type KeywardTurnState = TurnState<KeywardConversationState>;

export interface TeamsAppOptions {
  adapter: TeamsAdapter;
  botAppId?: string;
  storage: Storage;
  features: readonly BotFeature[];
  /** The welcome card for this actor (help, install, first message). */
  /** `locale`: the activity's (BCP 47); the card falls back to English. */
  renderWelcome(actor: Actor, locale?: string): AdaptiveCardJson;
  logger: Logger;
  /** Records a click on a verb no feature knows (a forged or retired button) in the audit log. */
  auditUnknownVerb?(verb: string, io: TurnIo): Promise<void>;
}

const ADAPTIVE_CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';
const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';
const WELCOME_WORDS = new Set(['help', 'hi', 'hello', 'menu', 'start', '?']);

/**
 * Wires Keyward's features onto a teams-ai Application. The only file that knows teams-ai routes;
 * features see `TurnIo` and plain data.
 */
export function createTeamsApp(options: TeamsAppOptions): Application<KeywardTurnState> {
  const app = new Application<KeywardTurnState>({
    adapter: options.adapter,
    botAppId: options.botAppId ?? '',
    storage: options.storage,
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
    adaptiveCards: { actionSubmitFilter: 'verb' },
    turnStateFactory: () => new TurnState<KeywardConversationState>(),
  });

  const commands = new Map<string, CommandSpec>();
  const actions = new Map<string, CardActionSpec>();
  for (const feature of options.features) {
    for (const command of feature.commands ?? []) {
      for (const name of [command.name, ...(command.aliases ?? [])]) {
        if (commands.has(name)) throw new Error(`command "${name}" registered twice`);
        commands.set(name, command);
      }
    }
    for (const action of feature.cardActions ?? []) {
      if (actions.has(action.verb)) throw new Error(`card verb "${action.verb}" registered twice`);
      actions.set(action.verb, action);
    }
  }

  // The welcome card's buttons run a chat command, so a button and typing the word do the same.
  actions.set(VERBS.runCommand, {
    verb: VERBS.runCommand,
    async run(data, context) {
      const name = typeof data.command === 'string' ? data.command.toLowerCase() : '';
      const command = commands.get(name);
      if (!command) return { kind: 'message', text: localizer(context.locale).t('chat.notAvailable', { name }) };
      const outcome = await command.run('', context);
      if (outcome) return { kind: 'message', text: outcome.refused };
      return { kind: 'message', text: localizer(context.locale).t('chat.started', { command: command.name }) };
    },
  });

  const welcome = async (context: TurnContext, state: KeywardTurnState, io: TurnIo) => {
    await io.sendCard(options.renderWelcome(io.actor, io.locale));
    // Only the first welcome changes state: repeated "help" turns then need no state write.
    state.conversation.welcomedAt ??= new Date().toISOString();
  };

  const installed = async (context: TurnContext, state: KeywardTurnState) => {
    const io = createTurnIo(context);
    if (!state.conversation.welcomedAt) await welcome(context, state, io);
    for (const feature of options.features) await feature.onInstalled?.(io);
  };

  // Action.Execute: one route per verb, plus a catch-all so an unknown verb gets an answer.
  app.adaptiveCards.actionExecute(
    (context) => Promise.resolve(isActionExecute(context.activity)),
    async (context) => {
      const value = context.activity.value as { action?: { verb?: string; data?: Record<string, unknown> }; trigger?: string };
      const verb = value.action?.verb ?? '';
      const result = await runCardAction(
        actions.get(verb),
        verb,
        value.action?.data ?? {},
        context,
        value.trigger === 'automatic' ? 'automatic' : 'manual',
        options.logger,
        options.auditUnknownVerb,
      );
      // Answer the invoke ourselves, always: teams-ai would otherwise switch to REPLACE_FOR_ALL
      // for any card carrying `refresh` and overwrite the shared card with one user's view.
      if (result.kind === 'card') {
        if (result.forEveryone && context.activity.replyToId) {
          await context.updateActivity({ ...cardActivity(result.card), id: context.activity.replyToId });
        }
        await sendInvokeResponse(context, { statusCode: 200, type: ADAPTIVE_CARD_RESPONSE, value: result.card });
      } else {
        await sendInvokeResponse(context, { statusCode: 200, type: MESSAGE_RESPONSE, value: result.text });
      }
      return '';
    },
  );

  // Action.Submit (fallback for clients without Universal Actions): same handlers; the answer
  // replaces the card the button was on when we know it, else arrives as a new message.
  app.adaptiveCards.actionSubmit(
    (context) => Promise.resolve(isActionSubmit(context.activity)),
    async (context) => {
      const data = context.activity.value as Record<string, unknown>;
      const verb = typeof data.verb === 'string' ? data.verb : '';
      const result = await runCardAction(actions.get(verb), verb, data, context, 'manual', options.logger, options.auditUnknownVerb);
      const io = createTurnIo(context);
      if (result.kind === 'card') {
        if (context.activity.replyToId) await io.updateCard(context.activity.replyToId, result.card);
        else await io.sendCard(result.card);
      } else {
        await io.sendText(result.text);
      }
    },
  );

  app.activity(ActivityTypes.InstallationUpdate, async (context, state) => {
    const action = (context.activity as Activity & { action?: string }).action ?? 'add';
    if (action.startsWith('add')) await installed(context, state);
  });

  app.conversationUpdate('membersAdded', async (context, state) => {
    if ((context.activity.membersAdded ?? []).length > 0) await installed(context, state);
  });

  app.activity(ActivityTypes.Message, async (context, state) => {
    const io = createTurnIo(context);
    const { name, args } = parseCommandText(context.activity.text ?? '');
    const firstContact = !state.conversation.welcomedAt;
    if (name === '' || WELCOME_WORDS.has(name)) {
      await welcome(context, state, io);
      return;
    }
    if (firstContact) await welcome(context, state, io);
    const command = commands.get(name);
    if (!command) {
      if (!firstContact) await io.sendText(unknownTextAnswer(context.activity.text ?? '', commands, io.locale));
      return;
    }
    try {
      await command.run(args, io);
    } catch (error) {
      const appErr = toAppError(error);
      const ref = newId('err');
      options.logger.error({ ref, code: appErr.code, command: name, err: appErr.message }, 'command failed');
      const l = localizer(io.locale);
      await io.sendText(l.t('chat.failed', { what: explainError(l, appErr), ref }));
    }
  });

  app.error(async (context, error) => {
    const ref = newId('err');
    options.logger.error({ ref, err: error instanceof Error ? error.message : String(error), type: context.activity.type }, 'turn failed');
    if (context.activity.type === ActivityTypes.Message) {
      await context.sendActivity(localizer(context.activity.locale).t('chat.wentWrong', { ref }));
    }
  });

  return app;
}

async function runCardAction(
  spec: CardActionSpec | undefined,
  verb: string,
  data: Record<string, unknown>,
  context: TurnContext,
  trigger: 'manual' | 'automatic',
  logger: Logger,
  auditUnknownVerb?: (verb: string, io: TurnIo) => Promise<void>,
): Promise<CardActionResult> {
  if (!spec) {
    logger.warn({ verb: verb.slice(0, 100) }, 'unknown card verb');
    // A verb no button of Keyward's carries: forged, or from a card of an older version. Recorded.
    await auditUnknownVerb?.(verb, createTurnIo(context)).catch((error: unknown) => logger.error({ err: toAppError(error).message }, 'could not audit an unknown card verb'));
    return { kind: 'message', text: localizer(context.activity.locale).t('chat.unknownButton') };
  }
  const actionContext: CardActionContext = { ...createTurnIo(context), messageId: context.activity.replyToId, trigger };
  try {
    return await spec.run(data, actionContext);
  } catch (error) {
    const appErr = toAppError(error);
    const ref = newId('err');
    logger.error({ ref, verb, code: appErr.code, err: appErr.message }, 'card action failed');
    const l = localizer(context.activity.locale);
    return { kind: 'message', text: l.t('chat.failed', { what: explainError(l, appErr), ref }) };
  }
}

export function createTurnIo(context: TurnContext): TurnIo {
  const activity = context.activity;
  const channelData = (activity.channelData ?? {}) as { tenant?: { id?: string } };
  const tenantId = channelData.tenant?.id ?? activity.conversation?.tenantId;
  const actor: Actor = {
    aadObjectId: activity.from?.aadObjectId,
    channelUserId: activity.from?.id ?? '',
    name: activity.from?.name,
    tenantId,
  };
  const conversation: ConversationInfo = {
    id: activity.conversation?.id ?? '',
    kind: toConversationKind(activity.conversation?.conversationType, activity.conversation?.isGroup),
    tenantId,
  };
  return {
    actor,
    conversation,
    ...(activity.locale ? { locale: activity.locale } : {}),
    async sendCard(card) {
      const response = await context.sendActivity(cardActivity(card));
      return response?.id;
    },
    async sendText(text) {
      const response = await context.sendActivity(MessageFactory.text(text));
      return response?.id;
    },
    async updateCard(messageId, card) {
      await context.updateActivity({ ...cardActivity(card), id: messageId });
    },
    reference() {
      return TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
    },
  };
}

export function cardActivity(card: AdaptiveCardJson): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

function toConversationKind(type: string | undefined, isGroup: boolean | undefined): ConversationInfo['kind'] {
  if (type === 'channel') return 'channel';
  if (type === 'groupChat' || isGroup) return 'groupChat';
  return 'personal';
}

function isActionExecute(activity: Activity): boolean {
  const value = activity.value as { action?: { type?: string } } | undefined;
  return activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action' && value?.action?.type === 'Action.Execute';
}

function isActionSubmit(activity: Activity): boolean {
  const value = activity.value as { verb?: unknown } | undefined;
  return activity.type === ActivityTypes.Message && !!value && typeof value.verb === 'string';
}

async function sendInvokeResponse(context: TurnContext, body: { statusCode: number; type: string; value: unknown }): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
}

function unknownTextAnswer(text: string, commands: Map<string, CommandSpec>, locale?: string): string {
  const l = localizer(locale);
  const shown = text.trim().slice(0, 60);
  const unique = [...new Set(commands.values())];
  // A command's summary from the catalogue; a command without one there shows its own English line.
  const summary = (command: CommandSpec) => {
    const id = `command.${command.name}.summary`;
    return isMessageId(id) ? l.t(id) : command.summary;
  };
  const lines = [l.t('chat.unknownText', { text: shown }), `- **help** — ${l.t('chat.helpSummary')}`, ...unique.map((command) => `- **${command.name}** — ${summary(command)}`)];
  return lines.join('\n');
}
