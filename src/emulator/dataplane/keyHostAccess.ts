import type { EmulatorRequest } from '../http/emulatorRequest';
import { HSM_KEY_DATA_ACTION, type KeyAction } from '../model/authorization';
import type { EmulatorModel } from '../model/emulatorModel';
import type { KeyHost } from '../model/keyContainer';
import type { Caller } from '../model/modelContext';
import { forbidden } from '../model/serviceError';

/**
 * Per-request access to the addressed vault or HSM: checks the HSM is activated, then the caller's
 * permission for `action` (access policy, Azure RBAC or HSM local RBAC), and returns the host.
 */
export function authorizeKeyAction(model: EmulatorModel, request: EmulatorRequest, action: KeyAction, keyName?: string): KeyHost {
  const host = request.keyHost as KeyHost;
  const caller = request.caller as Caller;
  if (host.kind === 'vault') {
    model.authorizer.authorizeVault(host.vault, caller, action, keyName);
  } else {
    assertActivated(host);
    const scope = keyName ? `/keys/${keyName}` : '/keys';
    model.authorizer.authorizeHsm(host.hsm, caller, HSM_KEY_DATA_ACTION[action], scope);
  }
  return host;
}

/** HSM local RBAC check for non-key actions (role management) at a scope. */
export function authorizeHsmAction(model: EmulatorModel, request: EmulatorRequest, dataAction: string, scope: string): Extract<KeyHost, { kind: 'hsm' }> {
  const host = request.keyHost as KeyHost;
  if (host.kind !== 'hsm') throw forbidden('Forbidden', 'This operation exists on Managed HSM only.');
  assertActivated(host);
  model.authorizer.authorizeHsm(host.hsm, request.caller as Caller, dataAction, scope);
  return host;
}

/**
 * Until the security domain is downloaded, a Managed HSM refuses keys and role management.
 * UNCONFIRMED: Azure's exact status and body; 403 Forbidden with inner code HsmNotActivated is the
 * emulator's reading (Azure documents that the data plane is unusable until activation).
 */
function assertActivated(host: Extract<KeyHost, { kind: 'hsm' }>): void {
  if (!host.hsm.activated) {
    throw forbidden(
      'Forbidden',
      `Managed HSM '${host.hsm.name}' is not activated. Download its security domain (POST /securitydomain/download with 3 to 10 officer certificates and a quorum) to activate it.`,
      'HsmNotActivated',
    );
  }
}
