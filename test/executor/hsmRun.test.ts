import { textOf } from '../../src/core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createDecipheriv, privateDecrypt, constants, type KeyObject } from 'node:crypto';
import { LOCAL_IDENTITIES, LOCAL_PEOPLE } from '../../src/core';
import { KEYWARD_HSM_KEY_ROLE, ROLES } from '../../src/customerKey';
import { SecurityDomainVault } from '../../src/executor';
import { runSecurityDomainCli } from '../../src/cli/securityDomain';
import { SqlRunArtifactStore } from '../../src/store/sqlRunArtifactStore';
import { hsmPlan } from './executorFixtures';
import { assertCleanOutcome } from './outcomeChecks';
import { person, requestsFor, startExecutorWorld, testOfficers, type ExecutorWorld } from './executorWorld';
import { budgetOf, HSM_REVOKE_ADMIN, HSM_SECOND_SITE, HSM_SITE, HSM_VERIFY_KEY } from './requestBudget';
import { collect } from '../helpers/collect';

describe('executor: a Managed HSM plan against the emulator', function () {
  this.timeout(30_000);
  let world: ExecutorWorld;
  before(async () => {
    world = await startExecutorWorld({ hsmProvisioningMs: 150, realSleepCapMs: 30 });
  });
  after(async () => {
    await world.close();
  });

  it('when an HSM plan is approved, then it provisions, waits for the officers, activates with their public certificates, stores the security domain encrypted, and finishes within the request budget', async () => {
    const officers = await testOfficers();
    const plan = hsmPlan();
    const request = await world.approve(plan);
    await world.idle();
    let run = await world.run(request.id);
    assert.equal(run.status, 'waitingForInput', JSON.stringify(run.lastError));
    assert.match(textOf(run.waitingFor), /0 of 3 security-domain officers .* waiting for Alex Approver, Bruno Approver, Chen Custodian/);
    assert.equal((await world.approvals.get(request.id))?.status, 'executing');
    assert.match(textOf((await world.approvals.get(request.id))?.execution?.progress), /Waiting at step 3 of 17/);

    const refused = await world.executor.submitCertificate(run.id, person(LOCAL_PEOPLE.approverDana), officers[0]!.certificatePem);
    assert.equal(!refused.ok && refused.error.code, 'NotAnApprover');
    for (const officer of officers) {
      const outcome = await world.executor.submitCertificate(run.id, person(officer.person), officer.certificatePem);
      assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error.message);
      await world.idle();
    }
    const twice = await world.executor.submitCertificate(run.id, person(officers[0]!.person), officers[0]!.certificatePem);
    assert.equal(twice.ok, false, 'an officer hands in once');
    run = await world.run(request.id);
    await assertCleanOutcome(world, plan, request.id);

    const { lines, polls } = budgetOf(await requestsFor(world.emulator, request.id));
    assert.deepEqual(lines, [...HSM_SITE, ...HSM_SECOND_SITE, ...HSM_VERIFY_KEY, ...HSM_VERIFY_KEY, ...HSM_REVOKE_ADMIN, ...HSM_REVOKE_ADMIN]);
    assert.ok(polls >= 2);

    // Both HSMs' security domains: stored encrypted, share holders recorded, officers told.
    assert.equal(world.notices.length, 2);
    const artifacts = new SqlRunArtifactStore(world.db);
    const vault = new SecurityDomainVault(world.settings.securityDomainDir, world.settings.securityDomainKeyFile);
    for (const ref of plan.keys) {
      const shares = await artifacts.shares(ref.containerName);
      assert.deepEqual(
        shares.map((s) => s.officerName),
        ['Alex Approver', 'Bruno Approver', 'Chen Custodian'],
      );
      assert.equal(fs.statSync(shares[0]!.file).mode & 0o777, 0o600);
      const stored = await vault.read(shares[0]!.file);
      // What the officers hold opens it: any two of them recover the domain secret.
      const document = JSON.parse(stored.document) as { SharedKeys: { enc_shares: Array<{ enc_key: string }>; required: number } };
      assert.equal(document.SharedKeys.required, 2);
      assert.equal(document.SharedKeys.enc_shares.length, 3);
      const share = JSON.parse(openJwe(document.SharedKeys.enc_shares[1]!.enc_key, officers[1]!.privateKey).toString()) as { x: number };
      assert.equal(typeof share.x, 'number');
    }
    const audited = (await collect(world.audit.records())).filter((r) => r.action === 'execution.securityDomain.stored' && r.requestId === request.id);
    assert.equal(audited.length, 2);
    assert.ok(!JSON.stringify(audited).includes('enc_shares'), 'the audit names the file and digest, never the content');
    assert.equal((await world.run(request.id)).status, 'succeeded');

    // Issue 11 item 7: after activation Keyward keeps only its custom key role (no delete, no purge,
    // no role management); the human administrators keep Administrator.
    const writer = LOCAL_IDENTITIES.writer.objectId.toLowerCase();
    for (const ref of plan.keys.filter((k) => k.workload === plan.keys[0]!.workload)) {
      const hsmUrl = world.emulator.hsmUrl(ref.containerName);
      const atRoot = await world.azure.listHsmRoleAssignments(hsmUrl, '/keys');
      const roleOf = (a: { roleDefinitionId: string }) => (a.roleDefinitionId.split('/').pop() ?? '').toLowerCase();
      assert.ok(!atRoot.some((a) => a.principalId.toLowerCase() === writer && roleOf(a) === ROLES.managedHsmAdministrator.id), 'Keyward gave up Administrator');
      assert.ok(
        atRoot.some((a) => a.principalId.toLowerCase() !== writer && roleOf(a) === ROLES.managedHsmAdministrator.id),
        'a human administrator keeps it',
      );
      assert.ok(atRoot.some((a) => a.principalId.toLowerCase() === writer && roleOf(a) === KEYWARD_HSM_KEY_ROLE.id && a.scope.replace(/\/$/, '') === '/keys'));
    }

    // An officer's copy: the CLI strips Keyward's layer (audited first) and never overwrites.
    const share = (await artifacts.shares(plan.keys[0]!.containerName))[0]!;
    const out = path.join(world.dataDir, 'officer-copy.json');
    const io = { out: '', err: '' };
    const cli = (argv: string[]) => runSecurityDomainCli([...argv, '--data-dir', world.dataDir], { stdout: (t) => (io.out += t), stderr: (t) => (io.err += t), env: {} });
    assert.equal(await cli(['export', '--file', share.file, '--out', out]), 0, io.err);
    assert.equal(fs.readFileSync(out, 'utf8'), (await vault.read(share.file)).document);
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    assert.equal(await cli(['export', '--file', share.file, '--out', out]), 1, 'an existing file is never overwritten');
    assert.equal(await cli(['list']), 0);
    assert.match(io.out, /share: Bruno Approver .* certificate x5t#S256/);
    assert.equal((await collect(world.audit.records())).filter((r) => r.action === 'securityDomain.exported').length, 1);
    assert.equal((await world.audit.verify()).ok, true);
  });
});

function openJwe(compact: string, key: KeyObject): Buffer {
  const [header = '', encryptedKey = '', iv = '', ciphertext = '', tag = ''] = compact.split('.');
  const cek = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(encryptedKey, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', cek, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(header, 'ascii'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
}
