import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { PwshRunner } from '../../../src/executor/steps/powershellRunner';
import { installFakePwsh, type FakePwsh } from '../../helpers/fakePwsh';

/** A script whose second statement fails; the third must not run when the script stops at the first error. */
const FAILING = ["Import-Module 'CustomerKeyOnboarding'", "throw 'The onboarding validation did not report Success.'", 'Connect-ExchangeOnline -ShowBanner $false'].join('\n');

describe('PowerShell runner for Exchange app-only (issue 12, item 2), with a fake pwsh first on the PATH', function () {
  this.timeout(60_000);
  let pwsh: FakePwsh;
  let restorePath: () => void;
  before(() => {
    pwsh = installFakePwsh();
    restorePath = pwsh.firstOnPath();
  });
  after(() => {
    restorePath();
    pwsh.remove();
  });
  const ran = (call: { cmdlets: Array<{ name: string }> } | undefined) => (call?.cmdlets ?? []).map((c) => c.name);

  // The fake must fail the way the real CLI does (about_Pwsh), or the tests below prove nothing.
  it("when the fake runs a script piped to -Command -, then, as the real pwsh does, a throw does not stop the next line and the exit code is the last statement's", () => {
    const piped = spawnSync('pwsh', ['-NoProfile', '-NonInteractive', '-Command', '-'], { input: FAILING, encoding: 'utf8' });
    assert.equal(piped.status, 0, piped.stderr);
    assert.deepEqual(ran(pwsh.calls().at(-1)), ['Import-Module', 'Connect-ExchangeOnline']);
    const endsWithThrow = spawnSync('pwsh', ['-NoProfile', '-NonInteractive', '-Command', '-'], { input: `${FAILING}\nthrow 'last'`, encoding: 'utf8' });
    assert.equal(endsWithThrow.status, 1);
  });

  it('when the fake runs the same script with -File, then, as the real pwsh does, the throw stops the script with exit code 1', () => {
    const file = `${pwsh.binDir}/../failing.ps1`;
    fs.writeFileSync(file, FAILING);
    const result = spawnSync('pwsh', ['-NoProfile', '-NonInteractive', '-File', file], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.deepEqual(ran(pwsh.calls().at(-1)), ['Import-Module']);
    assert.match(result.stderr, /did not report Success/);
  });

  it('when the runner runs a script whose second statement throws, then it uses a 0600 temporary .ps1 with -NoProfile -NonInteractive -File, stops there, removes the file and reports the failure', async () => {
    const before = pwsh.calls().length;
    const result = await new PwshRunner().run(FAILING, { timeoutMs: 30_000 });
    const call = pwsh.calls()[before];
    assert.ok(call, 'pwsh was started');
    assert.equal(call.mode, 'file');
    assert.deepEqual(
      call.argv.slice(0, 3).map((a) => a.toLowerCase()),
      ['-nologo', '-noprofile', '-noninteractive'],
    );
    assert.equal(call.argv.at(-2), '-File', '-File and its path come last');
    assert.match(call.file!, /\.ps1$/);
    assert.equal(call.fileMode, 0o600);
    assert.equal(fs.existsSync(call.file!), false, 'the temporary script is removed');
    assert.notEqual(result.exitCode, 0);
    assert.deepEqual(ran(call), ['Import-Module']);
  });

  it("when a cmdlet reports an ordinary (non-terminating) error, then the runner's script stops there too ($ErrorActionPreference = 'Stop')", async () => {
    const before = pwsh.calls().length;
    const result = await new PwshRunner().run(["Get-DataEncryptionPolicy -Identity 'missing'", 'Connect-ExchangeOnline -ShowBanner $false'].join('\n'), { timeoutMs: 30_000 });
    assert.equal(result.exitCode, 1);
    assert.deepEqual(ran(pwsh.calls()[before]), ['Get-DataEncryptionPolicy']);
  });

  it('when PowerShell is older than 7.4 (no native exit-code checks), then the script refuses to run anything', async () => {
    pwsh.configure({ version: '7.2.0' });
    try {
      const before = pwsh.calls().length;
      const result = await new PwshRunner().run('Connect-ExchangeOnline -ShowBanner $false', { timeoutMs: 30_000 });
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, /PowerShell 7\.4/);
      assert.deepEqual(ran(pwsh.calls()[before]), []);
    } finally {
      pwsh.configure({ version: '7.4.6' });
    }
  });

  it('when a script succeeds, then the exit code is 0 and its output comes back', async () => {
    const result = await new PwshRunner().run('Connect-ExchangeOnline -ShowBanner $false\nGet-EXOMailbox -ResultSize Unlimited | Format-List', { timeoutMs: 30_000 });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /PrimarySmtpAddress : adele@contoso\.com/);
  });
});
