/**
 * `npm test`: makes sure the test certificate authority exists, then runs mocha with
 * NODE_EXTRA_CA_CERTS pointing at it. Node reads that variable only at start-up, so the CA must
 * exist before the test process does; every in-process emulator in the suite serves a
 * certificate signed by this CA. Extra arguments go to mocha (e.g. `npm test -- --grep vault`).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureCertificateAuthority } from '../src/emulator/tls/certificateAuthority';

async function main(): Promise<void> {
  const caDir = path.resolve(process.env.KEYWARD_TEST_CA_DIR ?? '.data/test-ca');
  const ca = await ensureCertificateAuthority(caDir);
  const mocha = require.resolve('mocha/bin/mocha.js');
  // Spec files named on the command line replace the default (the whole suite).
  const args = process.argv.slice(2);
  const specs = args.some((arg) => !arg.startsWith('-') && arg.endsWith('.ts')) ? [] : ['test/**/*.test.ts'];
  const child = spawn(process.execPath, [mocha, ...specs, ...args], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.caCertPath, KEYWARD_TEST_CA_DIR: caDir },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
