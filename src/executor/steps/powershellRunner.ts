import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appError } from '../../core';

/**
 * Running an approved PowerShell script in Keyward's backend: only for Exchange Online app-only
 * (`Connect-ExchangeOnline -ManagedIdentity`), only when configured (KEYWARD_DEP_APP_ONLY, off by
 * default), and only the exact script text the approvers approved (its SHA-256 is checked first).
 * SharePoint cmdlets never run here (app-only SPO is not confirmed).
 */
export interface PowerShellRunner {
  run(script: string, options: { timeoutMs: number }): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export interface ExchangeAppOnlySettings {
  /** The tenant's initial domain for Connect-ExchangeOnline -Organization (contoso.onmicrosoft.com). */
  organization: string;
  /** Client id of the user-assigned managed identity that connects (Keyward's writer). */
  accountId?: string;
  runner: PowerShellRunner;
  timeoutMs?: number;
}

const MAX_OUTPUT = 512 * 1024;

/**
 * Put before the approved script (which is unchanged and hash-checked before it gets here):
 * every error stops the script, including a cmdlet's ordinary (non-terminating) error and, from
 * PowerShell 7.4, a native program's non-zero exit code
 * (https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_preference_variables).
 * Older PowerShell would ignore the native-command preference, so it refuses to run at all.
 */
export const PWSH_PRELUDE = [
  "# Added by Keyward's runner: stop at the first error of any kind.",
  "$ErrorActionPreference = 'Stop'",
  '$PSNativeCommandUseErrorActionPreference = $true',
  "if ($PSVersionTable.PSVersion -lt [version]'7.4') { throw 'Keyward runs Exchange Online scripts only with PowerShell 7.4 or later (it needs native exit codes to stop the script); nothing was run.' }",
  '',
].join('\n');

/**
 * Runs the script as a file: `pwsh -NoLogo -NoProfile -NonInteractive -File <0600 temp .ps1>`.
 * Not `-Command -` with the script on stdin: there each statement runs on its own as though typed
 * at a prompt, so a `throw` ends only its own statement, the next line still runs, and the exit
 * code is the last statement's. With `-File`, a script-terminating error (any error, under the
 * prelude's `$ErrorActionPreference = 'Stop'`) stops the script with exit code 1
 * (https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_pwsh).
 * The file sits in a fresh 0700 directory and is removed afterwards, whatever happens.
 *
 * The ExchangeOnlineManagement module must be installed for the identity the backend runs as; the
 * managed identity needs Exchange.ManageAsApp and the Compliance Administrator role (facts §2.5).
 */
export class PwshRunner implements PowerShellRunner {
  constructor(
    private readonly executable = 'pwsh',
    private readonly tempRoot = os.tmpdir(),
  ) {}

  async run(script: string, options: { timeoutMs: number }): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const dir = fs.mkdtempSync(path.join(this.tempRoot, 'keyward-pwsh-'));
    try {
      fs.chmodSync(dir, 0o700);
      const file = path.join(dir, 'keyward-approved-script.ps1');
      fs.writeFileSync(file, `${PWSH_PRELUDE}${script}`, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
      return await this.spawn(file, options.timeoutMs);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  private spawn(file: string, timeoutMs: number): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      // -File and its path must come last: everything after it goes to the script.
      const child = spawn(this.executable, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          error.code === 'ENOENT'
            ? appError(
                'RunFailed',
                `PowerShell (${this.executable}) is not installed on the Keyward host, so Keyward cannot run Exchange Online cmdlets itself. Install PowerShell 7 and the ExchangeOnlineManagement module, or run the script yourself.`,
              )
            : appError('RunFailed', `PowerShell could not be started: ${error.message}`),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        // Killed (timeout) or crashed: never a success.
        resolve({ exitCode: code ?? (signal ? 128 : -1), stdout, stderr });
      });
    });
  }
}
