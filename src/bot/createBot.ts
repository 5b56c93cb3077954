import { ConfigurationServiceClientCredentialFactory, type Storage } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type restify from 'restify';
import type { Logger } from '../core';
import type { Actor, BotFeature } from './botTypes';
import type { AdaptiveCardJson } from './cards/adaptiveCard';
import { createTeamsApp } from './teamsApp';

export interface BotAuthSettings {
  appId?: string;
  appType?: 'UserAssignedMSI' | 'SingleTenant';
  tenantId?: string;
  password?: string;
}

export interface CreateBotOptions {
  auth: BotAuthSettings;
  storage: Storage;
  features: readonly BotFeature[];
  renderWelcome(actor: Actor): AdaptiveCardJson;
  logger: Logger;
}

export interface Bot {
  adapter: TeamsAdapter;
  /** Runs one POST /api/messages through botbuilder (JWT validation when an app id is set). */
  handleActivity(req: restify.Request, res: restify.Response): Promise<void>;
}

/**
 * Builds the Bot Framework adapter and the teams-ai app. Without an app id the adapter runs
 * anonymously (the Agents Playground and tests need that; the config refuses it off loopback);
 * with one, botbuilder validates the channel's JWT on every request.
 */
export function createBot(options: CreateBotOptions): Bot {
  const adapter = options.auth.appId
    ? new TeamsAdapter(
        {},
        new ConfigurationServiceClientCredentialFactory({
          MicrosoftAppId: options.auth.appId,
          MicrosoftAppType: options.auth.appType,
          MicrosoftAppTenantId: options.auth.tenantId,
          MicrosoftAppPassword: options.auth.password,
        }),
      )
    : new TeamsAdapter({});
  const app = createTeamsApp({
    adapter,
    botAppId: options.auth.appId,
    storage: options.storage,
    features: options.features,
    renderWelcome: options.renderWelcome,
    logger: options.logger,
  });
  return {
    adapter,
    handleActivity: (req, res) => adapter.process(req as never, res as never, (context) => app.run(context).then(() => undefined)),
  };
}
