import {
  CallerIdConstants,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type restify from 'restify';
import { appError, type Logger } from '../core';
import { ATTR, inSpan } from '../telemetry';
import type { Actor, BotFeature, TurnIo } from './botTypes';
import type { AdaptiveCardJson } from './cards/adaptiveCard';
import { createTeamsApp } from './teamsApp';

export interface BotAuthSettings {
  appId?: string;
  appType?: 'UserAssignedMSI' | 'SingleTenant';
  tenantId?: string;
  password?: string;
  /**
   * Where botbuilder fetches the Bot Framework channel's OpenID metadata (signing keys); default
   * login.botframework.com. Tests point it at a local server to prove forged tokens are refused.
   */
  channelOpenIdMetadataUrl?: string;
}

export interface CreateBotOptions {
  auth: BotAuthSettings;
  storage: Storage;
  features: readonly BotFeature[];
  renderWelcome(actor: Actor, locale?: string): AdaptiveCardJson;
  logger: Logger;
  /** Records a click on a verb no feature knows (see teamsApp). */
  auditUnknownVerb?(verb: string, io: TurnIo): Promise<void>;
}

export interface Bot {
  adapter: TeamsAdapter;
  /**
   * Runs one POST /api/messages through botbuilder: JWT validation when an app id is set, then
   * `admit` (the server's checks for authenticated callers; it throws to refuse), then the turn.
   */
  handleActivity(req: restify.Request, res: restify.Response, admit: () => void): Promise<void>;
}

/**
 * Builds the Bot Framework adapter and the teams-ai app. Without an app id the adapter runs
 * anonymously (the Agents Playground and tests need that; the config refuses it off loopback);
 * with one, botbuilder validates the channel's JWT on every request.
 */
export function createBot(options: CreateBotOptions): Bot {
  const adapter = options.auth.appId
    ? new KeywardTeamsAdapter(
        options.auth.channelOpenIdMetadataUrl ? publicCloudWithMetadata(options.auth.channelOpenIdMetadataUrl) : {},
        new ConfigurationServiceClientCredentialFactory({
          MicrosoftAppId: options.auth.appId,
          MicrosoftAppType: options.auth.appType,
          MicrosoftAppTenantId: options.auth.tenantId,
          MicrosoftAppPassword: options.auth.password,
        }),
      )
    : new KeywardTeamsAdapter({});
  const app = createTeamsApp({
    adapter,
    botAppId: options.auth.appId,
    storage: options.storage,
    features: options.features,
    renderWelcome: options.renderWelcome,
    logger: options.logger,
    ...(options.auditUnknownVerb ? { auditUnknownVerb: options.auditUnknownVerb } : {}),
  });
  // One span per turn, beneath the request's: what the bot did with the activity (the approval
  // service, journeys and Azure calls it makes are its children).
  const logic = (context: TurnContext) =>
    inSpan(`bot.turn ${context.activity.type}`, { attributes: { [ATTR.activityType]: context.activity.type, [ATTR.activityName]: context.activity.name } }, () =>
      app.run(context).then(() => undefined),
    );
  return {
    adapter,
    async handleActivity(req, res, admit) {
      const activity = withDates((req as restify.Request & { body: Activity }).body);
      const invokeResponse = await adapter.authenticateAndRun(activity, String(req.headers.authorization ?? ''), admit, logic);
      res.status(invokeResponse?.status ?? 200);
      if (invokeResponse?.body !== undefined) res.send(invokeResponse.body);
      res.end();
    },
  };
}

/**
 * teams-ai's adapter, with authentication called by Keyward itself so that every failure is a
 * plain 401 (AppError Unauthenticated): botbuilder's `process` answers some forged tokens
 * (jsonwebtoken's "invalid signature") with 500, and writes raw error text into response bodies;
 * Keyward's server answers errors with a code and no internals instead.
 */
class KeywardTeamsAdapter extends TeamsAdapter {
  async authenticateAndRun(activity: Activity, authHeader: string, admit: () => void, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    let authenticated: Awaited<ReturnType<typeof this.botFrameworkAuthentication.authenticateRequest>>;
    try {
      authenticated = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
    } catch (error) {
      throw appError('Unauthenticated', 'The Bot Framework token on this request was not accepted.', { reason: error instanceof Error ? error.message : String(error) });
    }
    admit();
    return this.processActivity(authenticated, activity, logic);
  }
}

/** What botbuilder's `process` does to an activity before the turn: ISO strings become Dates (raw kept). */
function withDates(activity: Activity): Activity {
  const fixed = activity as Activity & Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    if (typeof fixed[field] === 'string') {
      fixed[raw] = fixed[field];
      fixed[field] = new Date(fixed[field] as string);
    }
  }
  return fixed;
}

/**
 * botbuilder takes either none or all of its authentication endpoints: these are its public-cloud
 * defaults (botframework-connector's AuthenticationConstants), with only the channel's OpenID
 * metadata replaced. A test checks they still equal botbuilder's own.
 */
export function publicCloudWithMetadata(channelOpenIdMetadataUrl: string): ConfigurationBotFrameworkAuthenticationOptions {
  return {
    ValidateAuthority: true,
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    ToBotFromChannelOpenIdMetadataUrl: channelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}
