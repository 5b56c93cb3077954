import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FakePwshCall } from './fakePwshProgram';

export type { FakePwshCall } from './fakePwshProgram';

export interface FakePwsh {
  /** Directory holding the `pwsh` executable (put it first on PATH). */
  binDir: string;
  /** Every time `pwsh` was started, oldest first. */
  calls(): FakePwshCall[];
  /** What the fake Exchange Online and onboarding service answer from now on. */
  configure(config: { validationResult?: 'Success' | 'Failed'; mailboxes?: string[]; unlicensed?: string[]; shared?: string[]; failCmdlet?: string; version?: string }): void;
  /** Puts `binDir` first on this process's PATH (children inherit it); returns the undo. */
  firstOnPath(): () => void;
  remove(): void;
}

/**
 * Installs test/helpers/fakePwshProgram.ts as an executable named `pwsh` in a temporary
 * directory: a real process that the runner finds on the PATH and starts like the real one.
 */
export function installFakePwsh(): FakePwsh {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-fake-pwsh-'));
  const binDir = path.join(root, 'bin');
  const home = path.join(root, 'home');
  fs.mkdirSync(binDir);
  fs.mkdirSync(home);
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(
    path.join(binDir, 'pwsh'),
    `#!/bin/sh\nFAKE_PWSH_HOME=${quote(home)} exec ${quote(process.execPath)} --no-deprecation --require ${quote(require.resolve('tsx/cjs'))} ${quote(path.join(__dirname, 'fakePwshProgram.ts'))} "$@"\n`,
    { mode: 0o755 },
  );
  let config: Record<string, unknown> = {};
  return {
    binDir,
    calls() {
      const file = path.join(home, 'calls.jsonl');
      return fs.existsSync(file)
        ? fs
            .readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as FakePwshCall)
        : [];
    },
    configure(next) {
      config = { ...config, ...next };
      fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(config));
    },
    firstOnPath() {
      const saved = process.env.PATH;
      process.env.PATH = `${binDir}${path.delimiter}${saved ?? ''}`;
      return () => {
        process.env.PATH = saved;
      };
    },
    remove() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
