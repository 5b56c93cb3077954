import { type KeyObject, constants, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * The baseline for the emulator benchmark: a bare node:https server that speaks just enough of the
 * Key Vault wire for CryptographyClient (401 challenge, GET key, POST wrapkey/unwrapkey) and does the
 * same node:crypto operation, with no routing table, auth check, model, log or persistence.
 */
export interface BareServer {
  port: number;
  keyId(size: number): string;
  close(): Promise<void>;
}

export async function startBareKeyVaultServer(tls: { certPem: string; keyPem: string }, tenantId: string, sizes: number[]): Promise<BareServer> {
  const keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject; bundle: string }>();
  let port = 0;
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    if (!req.headers.authorization) {
      req.resume();
      res.writeHead(401, {
        'content-type': 'application/json; charset=utf-8',
        'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="https://vault.localhost"`,
      });
      res.end('{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}');
      return;
    }
    const [, , name = '', , op] = (req.url ?? '').split('?')[0]?.split('/') ?? [];
    const key = keys.get(name);
    if (!key) {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(key.bundle);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value: string };
      const input = Buffer.from(body.value, 'base64url');
      const output =
        op === 'wrapkey'
          ? publicEncrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, input)
          : privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, input);
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify({ kid: `https://bare.vault.localhost:${port}/keys/${name}/${VERSION}`, value: output.toString('base64url') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const now = Math.floor(Date.now() / 1000);
  for (const size of sizes) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: size });
    const publicKey = createPublicKey(privateKey);
    const jwk = publicKey.export({ format: 'jwk' });
    const name = `bare-${size}`;
    const bundle = JSON.stringify({
      key: { kid: `https://bare.vault.localhost:${port}/keys/${name}/${VERSION}`, kty: 'RSA-HSM', key_ops: ['wrapKey', 'unwrapKey'], n: jwk.n, e: jwk.e },
      attributes: { enabled: true, created: now, updated: now, recoveryLevel: 'Recoverable+ProtectedSubscription', recoverableDays: 90 },
    });
    keys.set(name, { privateKey, publicKey, bundle });
  }
  return {
    port,
    keyId: (size) => `https://bare.vault.localhost:${port}/keys/bare-${size}/${VERSION}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const VERSION = randomBytes(16).toString('hex');
