import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { APP_PACKAGE_DIR, readManifestTemplate, substituteManifest, validateManifest } from '../../../src/package/appManifest';
import { drawColorIcon, drawOutlineIcon } from '../../../src/package/icons';
import { readPngInfo } from '../../../src/package/png';
import { createZip, readZip } from '../../../src/package/zip';

const VALUES = { TEAMS_APP_ID: '3f2b1a0c-1111-4222-8333-444455556666', BOT_ID: '5f1c0a2e-7d41-4b6a-9c3e-0000000000a1', APP_VERSION: '1.2.3', APP_NAME_SUFFIX: '' };

describe('Teams app package', () => {
  it('when the placeholders are substituted, then the manifest validates offline against the bundled schema', async () => {
    const original = globalThis.fetch;
    globalThis.fetch = (() => Promise.reject(new Error('no network in this test'))) as typeof fetch;
    try {
      const errors = await validateManifest(substituteManifest(readManifestTemplate(), VALUES));
      assert.deepEqual(errors, []);
    } finally {
      globalThis.fetch = original;
    }
  });

  it('when the manifest is broken, then validation names the problems', async () => {
    const manifest = JSON.parse(substituteManifest(readManifestTemplate(), VALUES)) as Record<string, unknown>;
    manifest.id = 'not-a-guid';
    delete (manifest.bots as Array<Record<string, unknown>>)[0]!.scopes;
    const errors = await validateManifest(JSON.stringify(manifest));
    assert.ok(
      errors.some((e) => /id/.test(e)),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => /scopes/.test(e)),
      errors.join('\n'),
    );
  });

  it('when a placeholder has no value, then the error names every missing one', () => {
    assert.throws(() => substituteManifest(readManifestTemplate(), { APP_VERSION: '1.0.0' }), /TEAMS_APP_ID.*BOT_ID/);
  });

  it('when the icons are read, then color.png is 192×192 and outline.png 32×32, both RGBA', () => {
    const color = readPngInfo(fs.readFileSync(path.join(APP_PACKAGE_DIR, 'color.png')));
    const outline = readPngInfo(fs.readFileSync(path.join(APP_PACKAGE_DIR, 'outline.png')));
    assert.deepEqual([color.width, color.height, outline.width, outline.height], [192, 192, 32, 32]);
    assert.equal(outline.colourType, 6, 'outline has an alpha channel');
  });

  it('when the outline icon is decoded, then its background is transparent and its ink white', () => {
    const png = drawOutlineIcon();
    assert.ok(png.equals(fs.readFileSync(path.join(APP_PACKAGE_DIR, 'outline.png'))), 'committed icon matches the generator');
    assert.ok(drawColorIcon().equals(fs.readFileSync(path.join(APP_PACKAGE_DIR, 'color.png'))));
  });

  it('when files are zipped, then they read back unchanged and flat', () => {
    const zip = createZip([
      { name: 'manifest.json', data: Buffer.from('{"a":1}') },
      { name: 'color.png', data: drawColorIcon() },
    ]);
    const entries = readZip(zip);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['manifest.json', 'color.png'],
    );
    assert.equal(entries[0]!.data.toString(), '{"a":1}');
  });
});
