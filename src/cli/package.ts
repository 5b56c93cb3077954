/**
 * `npm run package`: builds appPackage/build/appPackage.zip for upload to Teams — the manifest with
 * its placeholders filled from the environment (TEAMS_APP_ID, BOT_ID, APP_VERSION, APP_NAME_SUFFIX),
 * validated offline against the bundled Teams schema, plus the two icons.
 */
import fs from 'node:fs';
import path from 'node:path';
import { APP_PACKAGE_DIR, readManifestTemplate, substituteManifest, validateManifest } from '../package/appManifest';
import { readPngInfo } from '../package/png';
import { createZip } from '../package/zip';
import { keywardVersion } from '../version';

async function main(): Promise<void> {
  let manifest: string;
  try {
    manifest = substituteManifest(readManifestTemplate(), {
      TEAMS_APP_ID: process.env.TEAMS_APP_ID,
      BOT_ID: process.env.BOT_ID,
      APP_VERSION: process.env.APP_VERSION ?? keywardVersion(),
      APP_NAME_SUFFIX: process.env.APP_NAME_SUFFIX ?? '',
    });
  } catch (error) {
    console.error(`Cannot build the app package: ${(error as Error).message}`);
    process.exit(1);
  }
  const errors = await validateManifest(manifest);
  if (errors.length > 0) {
    console.error(`The manifest does not validate:\n${errors.map((error) => `  - ${error}`).join('\n')}`);
    process.exit(1);
  }
  const color = fs.readFileSync(path.join(APP_PACKAGE_DIR, 'color.png'));
  const outline = fs.readFileSync(path.join(APP_PACKAGE_DIR, 'outline.png'));
  const sizes = [readPngInfo(color), readPngInfo(outline)];
  if (sizes[0]?.width !== 192 || sizes[0].height !== 192 || sizes[1]?.width !== 32 || sizes[1].height !== 32) {
    console.error('Icons must be color.png 192×192 and outline.png 32×32.');
    process.exit(1);
  }
  const out = path.join(APP_PACKAGE_DIR, 'build', 'appPackage.zip');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    createZip([
      { name: 'manifest.json', data: Buffer.from(manifest) },
      { name: 'color.png', data: color },
      { name: 'outline.png', data: outline },
    ]),
  );
  console.log(`Wrote ${path.relative(process.cwd(), out)} (manifest valid, icons 192×192 and 32×32).`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
