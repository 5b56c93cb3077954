import { spawn } from 'node:child_process';
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
 * `pwsh -NoLogo -NoProfile -NonInteractive -Command -` with the script on stdin (no temporary file,
 * no argument quoting). The ExchangeOnlineManagement module must be installed for the identity the
 * backend runs as; the managed identity needs Exchange.ManageAsApp and the Compliance
 * Administrator role (facts §2.5).
 */
export class PwshRunner implements PowerShellRunner {
  constructor(private readonly executable = 'pwsh') {}

  run(script: string, options: { timeoutMs: number }): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.executable, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
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
            ? appError('RunFailed', `PowerShell (${this.executable}) is not installed on the Keyward host, so Keyward cannot run Exchange Online cmdlets itself. Install PowerShell 7 and the ExchangeOnlineManagement module, or run the script yourself.`)
            : appError('RunFailed', `PowerShell could not be started: ${error.message}`),
        );
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ exitCode: code ?? -1, stdout, stderr });
      });
      child.stdin.end(script, 'utf8');
    });
  }
}
