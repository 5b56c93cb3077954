import { fromBase64Url, toBase64Url } from '../crypto/base64url';
import { type EmulatorRequest, json } from '../http/emulatorRequest';
import { type Route, route } from '../http/router';
import type { EmulatorModel } from '../model/emulatorModel';
import { assertUsable, decrypt, encrypt, parseOperationBody, sign, verify } from '../model/keyCryptography';
import type { KeyAction } from '../model/authorization';
import type { KeyHost } from '../model/keyContainer';
import { currentVersion } from '../model/keyService';
import type { KeyOperation } from '../model/records';
import { badParameter, notImplemented } from '../model/serviceError';
import { dataPlanePage } from './keyPaging';
import { authorizeKeyAction } from './keyHostAccess';
import { deletedKeyBundleJson, deletedKeyItemJson, keyBundleJson, keyId, keyItemJson, rotationPolicyJson } from './keySerializers';

const NAME = '(?<name>[^/]+)';
const VERSION = '(?<version>[^/]*)';

const CRYPTO_OPS: Record<string, { action: KeyAction; keyOp: KeyOperation }> = {
  encrypt: { action: 'encrypt', keyOp: 'encrypt' },
  decrypt: { action: 'decrypt', keyOp: 'decrypt' },
  wrapkey: { action: 'wrapKey', keyOp: 'wrapKey' },
  unwrapkey: { action: 'unwrapKey', keyOp: 'unwrapKey' },
  sign: { action: 'sign', keyOp: 'sign' },
  verify: { action: 'verify', keyOp: 'verify' },
};

/** The keys API (`/keys`, `/deletedkeys`, `/rng`) for vault and Managed HSM hosts alike. */
export function keyRoutes(model: EmulatorModel): Route[] {
  const keys = model.keys;
  const recovery = (request: EmulatorRequest) => ({ ...keys.recovery((request.keyHost as KeyHost).container), apiVersion: request.query.get('api-version') ?? undefined });
  const now = () => model.context.clock.now().getTime();

  return [
    route('POST', new RegExp(`^/keys/${NAME}/create$`, 'i'), async (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'create', name);
      const { key, version } = await keys.create(host.container, name, await request.body());
      return json(200, keyBundleJson(request.origin, key, version, recovery(request)));
    }),
    route('PUT', new RegExp(`^/keys/${NAME}$`, 'i'), async (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'import', name);
      const { key, version } = keys.importKey(host.container, name, await request.body());
      return json(200, keyBundleJson(request.origin, key, version, recovery(request)));
    }),
    route('GET', /^\/keys\/?$/i, (request) => {
      const host = authorizeKeyAction(model, request, 'list');
      const rec = recovery(request);
      const items = keys.list(host.container).map((key) => keyItemJson(request.origin, key, currentVersion(key), rec, false));
      return json(200, dataPlanePage(request, items));
    }),
    route('GET', new RegExp(`^/keys/${NAME}/versions$`, 'i'), (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'list', name);
      const rec = recovery(request);
      const { key, versions } = keys.listVersions(host.container, name);
      return json(200, dataPlanePage(request, key ? versions.map((version) => keyItemJson(request.origin, key, version, rec, true)) : []));
    }),
    route('GET', new RegExp(`^/keys/${NAME}/rotationpolicy$`, 'i'), (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'getrotationpolicy', name);
      const { key, policy } = keys.getRotationPolicy(host.container, name);
      return json(200, rotationPolicyJson(request.origin, key, policy));
    }),
    route('PUT', new RegExp(`^/keys/${NAME}/rotationpolicy$`, 'i'), async (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'setrotationpolicy', name);
      const { key, policy } = keys.setRotationPolicy(host.container, name, await request.body());
      return json(200, rotationPolicyJson(request.origin, key, policy));
    }),
    route('POST', new RegExp(`^/keys/${NAME}/rotate$`, 'i'), async (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'rotate', name);
      const { key, version } = await keys.rotate(host.container, name);
      return json(200, keyBundleJson(request.origin, key, version, recovery(request)));
    }),
    route('POST', /^\/keys\/restore$/i, async (request) => {
      const host = authorizeKeyAction(model, request, 'restore');
      const { key, version } = keys.restore(host.container, await request.body());
      return json(200, keyBundleJson(request.origin, key, version, recovery(request)));
    }),
    route('POST', new RegExp(`^/keys/${NAME}/backup$`, 'i'), (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'backup', name);
      return json(200, { value: toBase64Url(keys.backup(host.container, name)) });
    }),
    route('POST', new RegExp(`^/keys/${NAME}(?:/${VERSION})?/release$`, 'i'), () => {
      throw notImplemented('key release (POST /keys/{name}/release): secure key release needs an attestation service');
    }),
    route('GET', new RegExp(`^/keys/${NAME}(?:/${VERSION})?/attestation$`, 'i'), () => {
      throw notImplemented('key attestation (GET /keys/{name}/attestation)');
    }),
    route('POST', new RegExp(`^/keys/${NAME}/${VERSION}/(?<op>encrypt|decrypt|wrapkey|unwrapkey|sign|verify)$`, 'i'), async (request, { name = '', version = '', op = '' }) => {
      const operation = CRYPTO_OPS[op.toLowerCase()] as { action: KeyAction; keyOp: KeyOperation };
      const host = authorizeKeyAction(model, request, operation.action, name);
      const { key, version: keyVersion } = keys.get(host.container, name, version || undefined);
      const body = await request.body();
      assertUsable(keyVersion, operation.keyOp, now());
      const kid = keyId(request.origin, key, keyVersion);
      if (operation.action === 'verify') {
        const raw = (body ?? {}) as Record<string, unknown>;
        if (typeof raw.alg !== 'string') throw badParameter('alg is required.');
        const digest = typeof raw.digest === 'string' ? fromBase64Url(raw.digest) : undefined;
        const signature = typeof raw.value === 'string' ? fromBase64Url(raw.value) : undefined;
        if (!digest || !signature) throw badParameter('digest and value (the signature) are required, base64url encoded.');
        return json(200, { value: verify(keyVersion, raw.alg, digest, signature) });
      }
      const input = parseOperationBody(body);
      const result =
        operation.action === 'sign'
          ? sign(keyVersion, input)
          : operation.action === 'encrypt' || operation.action === 'wrapKey'
            ? encrypt(keyVersion, input)
            : decrypt(keyVersion, input);
      return json(200, { kid, value: toBase64Url(result) });
    }),
    route('GET', new RegExp(`^/keys/${NAME}(?:/${VERSION})?$`, 'i'), (request, { name = '', version = '' }) => {
      const host = authorizeKeyAction(model, request, 'get', name);
      const { key, version: keyVersion } = keys.get(host.container, name, version || undefined);
      return json(200, keyBundleJson(request.origin, key, keyVersion, recovery(request)));
    }),
    route('PATCH', new RegExp(`^/keys/${NAME}(?:/${VERSION})?$`, 'i'), async (request, { name = '', version = '' }) => {
      const host = authorizeKeyAction(model, request, 'update', name);
      const { key, version: keyVersion } = keys.update(host.container, name, version || undefined, await request.body());
      return json(200, keyBundleJson(request.origin, key, keyVersion, recovery(request)));
    }),
    route('DELETE', new RegExp(`^/keys/${NAME}$`, 'i'), (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'delete', name);
      return json(200, deletedKeyBundleJson(request.origin, keys.delete(host.container, name), recovery(request)));
    }),
    route('GET', /^\/deletedkeys\/?$/i, (request) => {
      const host = authorizeKeyAction(model, request, 'listdeleted');
      const rec = recovery(request);
      return json(
        200,
        dataPlanePage(
          request,
          keys.listDeleted(host.container).map((key) => deletedKeyItemJson(request.origin, key, rec)),
        ),
      );
    }),
    route('GET', new RegExp(`^/deletedkeys/${NAME}$`, 'i'), (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'getdeleted', name);
      return json(200, deletedKeyBundleJson(request.origin, keys.getDeleted(host.container, name), recovery(request)));
    }),
    route('DELETE', new RegExp(`^/deletedkeys/${NAME}$`, 'i'), (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'purge', name);
      keys.purge(host.container, name);
      return { status: 204 };
    }),
    route('POST', new RegExp(`^/deletedkeys/${NAME}/recover$`, 'i'), (request, { name = '' }) => {
      const host = authorizeKeyAction(model, request, 'recover', name);
      const key = keys.recover(host.container, name);
      return json(200, keyBundleJson(request.origin, key, currentVersion(key), recovery(request)));
    }),
    route('POST', /^\/rng$/i, async (request) => {
      authorizeKeyAction(model, request, 'rng');
      const body = (await request.body()) as Record<string, unknown> | undefined;
      return json(200, { value: toBase64Url(keys.randomBytes(body?.count)) });
    }),
  ];
}
