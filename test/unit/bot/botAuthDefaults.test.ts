import assert from 'node:assert/strict';
import { CallerIdConstants } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import { publicCloudWithMetadata } from '../../../src/bot/createBot';

describe('bot authentication endpoints', () => {
  it("when the channel metadata is replaced (tests), then every other endpoint is still botbuilder's public-cloud default", () => {
    assert.deepEqual(publicCloudWithMetadata('http://127.0.0.1:1/v1/.well-known/openidconfiguration'), {
      ValidateAuthority: true,
      ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:1/v1/.well-known/openidconfiguration',
      ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
    });
  });
});
