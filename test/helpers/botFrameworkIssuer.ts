import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for login.botframework.com in tests: serves the OpenID configuration and the signing
 * keys (JWKS, with per-key channel endorsements as the real one has) and mints channel tokens the
 * way the Bot Framework does (RS256, iss https://api.botframework.com, aud = the bot's app id,
 * serviceurl claim). botbuilder's real JWT validation then runs against it.
 */
export interface BotFrameworkIssuer {
  metadataUrl: string;
  /** A token signed with the published key (or `signWith`, to forge one). */
  token(claims: { aud: string; serviceurl: string; expiresInSeconds?: number; iss?: string }, options?: { signWith?: crypto.KeyObject; kid?: string }): string;
  close(): Promise<void>;
}

export const CHANNEL_ISSUER = 'https://api.botframework.com';

export async function startBotFrameworkIssuer(options: { endorsements?: string[] } = {}): Promise<BotFrameworkIssuer> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = crypto.randomBytes(8).toString('hex');
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  let base = '';
  const server = http.createServer((req, res) => {
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/v1/.well-known/openidconfiguration')
      return send({ issuer: CHANNEL_ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    if (req.url === '/v1/.well-known/keys') return send({ keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: options.endorsements ?? ['msteams'] }] });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    metadataUrl: `${base}/v1/.well-known/openidconfiguration`,
    token(claims, signing = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: claims.iss ?? CHANNEL_ISSUER,
        aud: claims.aud,
        serviceurl: claims.serviceurl,
        nbf: now - 60,
        iat: now - 60,
        exp: now + (claims.expiresInSeconds ?? 3600),
      };
      const unsigned = `${b64({ alg: 'RS256', typ: 'JWT', kid: signing.kid ?? kid })}.${b64(payload)}`;
      const signature = crypto.sign('sha256', Buffer.from(unsigned), signing.signWith ?? privateKey).toString('base64url');
      return `${unsigned}.${signature}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
