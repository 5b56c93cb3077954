import { appError, say } from '../../core';
import type { ActivateSecurityDomainStep } from '../../customerKey';
import { parseOfficerCertificate } from '../officerCertificate';
import type { StepContext, StepHandler } from '../stepHandler';

/**
 * activateSecurityDomain: the ceremony. The run waits until every officer named in the approved plan
 * has handed in their PUBLIC certificate (a card; Keyward never sees a private key). Then one
 * security-domain download (POST /securitydomain/download + its status poll; Managed HSM
 * Administrator, which Keyward is as an initial administrator) activates the HSM. The document
 * Azure returns is already encrypted to the officers' keys; it is stored at once, with Keyward's
 * own AES-GCM layer at rest, and the share holders are recorded (store + audit).
 *
 * Check: a stored, intact security domain for this HSM and request → done, no request. If the
 * process died between the download and the store, the resumed run downloads again: Azure lets
 * an administrator download a security domain again with the same or new wrapping keys.
 */
export const securityDomainStep: StepHandler<ActivateSecurityDomainStep> = {
  kind: 'activateSecurityDomain',
  describe: (step) =>
    say('run.do.activate', `Activating Managed HSM ${step.params.hsmName} (security-domain ceremony, quorum ${step.params.quorum} of ${step.params.officers.length})`, {
      hsm: step.params.hsmName,
      quorum: step.params.quorum,
      officers: step.params.officers.length,
    }),
  target: (step) => `/subscriptions/${step.params.subscriptionId}/resourceGroups/${step.params.resourceGroup}/providers/Microsoft.KeyVault/managedHSMs/${step.params.hsmName}`,
  async check(step, context) {
    const p = step.params;
    const stored = await storedFor(step, context);
    if (stored)
      return {
        state: 'done',
        output: stored,
        note: say('run.note.securityDomainStored', `The security domain of ${p.hsmName} is already stored (${String(stored.file)}); HSM activated.`, {
          hsm: p.hsmName,
          file: String(stored.file),
        }),
      };
    const missing = await missingOfficers(step, context);
    if (missing.length > 0) {
      return {
        state: 'waiting',
        waitingFor: say(
          'run.waiting.officers',
          `${p.officers.length - missing.length} of ${p.officers.length} security-domain officers have handed in their public certificate; waiting for ${missing.map((o) => o.displayName).join(', ')}.`,
          { handedIn: p.officers.length - missing.length, officers: p.officers.length, missing: missing.map((o) => o.displayName).join(', ') },
        ),
      };
    }
    return { state: 'todo' };
  },
  async apply(step, context) {
    const p = step.params;
    const certificates = await context.artifacts.certificates(context.run.id, step.index);
    const byOfficer = p.officers.map((officer) => {
      const certificate = certificates.find((c) => c.officerObjectId === officer.objectId.toLowerCase());
      if (!certificate) throw appError('Internal', `No certificate for officer ${officer.displayName}.`);
      return { officer, certificate, parsed: parseOfficerCertificate(certificate.certificatePem) };
    });
    // A security domain that could not be kept must not be fetched (the download activates the HSM).
    context.securityDomains.assertReady();
    const hsmUrl = await context.containers.url({ kind: 'managedHsm', name: p.hsmName, subscriptionId: p.subscriptionId, resourceGroup: p.resourceGroup });
    const document = await context.azure.downloadSecurityDomain(
      hsmUrl,
      byOfficer.map((o) => o.parsed.jwk),
      p.quorum,
    );
    // Store before anything else: this document and a quorum of the officers' keys are the HSM's only disaster recovery.
    const storedAt = context.clock.now();
    const { file, sha256 } = await context.securityDomains.store({ hsmName: p.hsmName, requestId: context.run.requestId, document, storedAt });
    const officers = byOfficer.map((o) => ({ objectId: o.officer.objectId.toLowerCase(), name: o.officer.displayName, thumbprint: o.parsed.thumbprint }));
    await context.artifacts.recordShares(
      officers.map((o) => ({
        hsmName: p.hsmName,
        requestId: context.run.requestId,
        officerObjectId: o.objectId,
        officerName: o.name,
        thumbprint: o.thumbprint,
        file,
        sha256,
        quorum: p.quorum,
        storedAt: storedAt.toISOString(),
      })),
    );
    await context.audit('execution.securityDomain.stored', securityDomainStep.target(step), { file, sha256, quorum: p.quorum, shareHolders: officers }, 'success');
    await context.securityDomainStored({ hsmName: p.hsmName, file, sha256, quorum: p.quorum, officers, howToFetch: howToFetch(p.hsmName, file, p.quorum, officers.length) });
    return { file, sha256, quorum: p.quorum, officers: officers.map((o) => o.name) };
  },
  async verify(step, context, output) {
    if (!(await context.securityDomains.holds(String(output.file), String(output.sha256)))) {
      throw appError('Internal', `The stored security domain ${String(output.file)} does not read back as written.`);
    }
    return {
      output,
      note: say(
        'run.note.activated',
        `Managed HSM ${step.params.hsmName} is activated; its security domain is stored encrypted at ${String(output.file)}, shares held by ${(output.officers as string[]).join(', ')} (quorum ${step.params.quorum}).`,
        { hsm: step.params.hsmName, file: String(output.file), officers: (output.officers as string[]).join(', '), quorum: step.params.quorum },
      ),
    };
  },
};

async function storedFor(step: ActivateSecurityDomainStep, context: StepContext) {
  const shares = (await context.artifacts.shares(step.params.hsmName)).filter((share) => share.requestId === context.run.requestId);
  const first = shares[0];
  if (!first || !(await context.securityDomains.holds(first.file, first.sha256))) return undefined;
  return { file: first.file, sha256: first.sha256, quorum: first.quorum, officers: shares.map((s) => s.officerName) };
}

/** Officers of the plan who have not handed in a certificate for this step yet. */
export async function missingOfficers(step: ActivateSecurityDomainStep, context: Pick<StepContext, 'artifacts' | 'run'>) {
  const have = new Set((await context.artifacts.certificates(context.run.id, step.index)).map((c) => c.officerObjectId));
  return step.params.officers.filter((officer) => !have.has(officer.objectId.toLowerCase()));
}

function howToFetch(hsmName: string, file: string, quorum: number, officers: number): string {
  return (
    `The security domain of ${hsmName} is stored on the Keyward host at ${file}, encrypted at rest. ` +
    `Inside it, your share is encrypted to your certificate: only your private key opens it, and any ${quorum} of the ${officers} officers together can restore the HSM. ` +
    `To get your copy, ask the Keyward administrator to run "npm run security-domain -- export --file ${file} --out ${hsmName}-SD.json" on the Keyward host and hand the output to you the way your policy requires. ` +
    'Keep it offline with your private key; Keyward will never post it in chat.'
  );
}
