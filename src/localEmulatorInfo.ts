import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

/** What the local emulator writes to `<data dir>/emulator/emulator.json` (the fields the bot uses). */
export interface EmulatorInfo {
  armEndpoint: string;
  graphEndpoint: string;
  tenantId: string;
  caCertPath: string;
  identityEndpoint?: string;
  identityHeader?: string;
}

export function emulatorDataDir(dataDir: string): string {
  return path.join(dataDir, 'emulator');
}

export function readEmulatorInfo(dataDir: string): EmulatorInfo | undefined {
  const file = path.join(emulatorDataDir(dataDir), 'emulator.json');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EmulatorInfo;
}

/** Any HTTPS answer counts: it proves the emulator listens and that its CA is trusted here. */
export function probeHttps(url: string, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => {
      request.destroy();
      resolve(false);
    });
    request.on('error', () => resolve(false));
  });
}
