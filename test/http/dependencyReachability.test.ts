import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startHarness, type Harness } from '../helpers/keywardHarness';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : []));
}

/**
 * What security/audit-allowlist.json relies on: restify's vulnerable formidable (multipart bodies)
 * and send (static files) run only inside restify.plugins, which Keyward never registers, and
 * find-my-way's ReDoS needs a route with two parameters in one segment, which Keyward never has.
 */
describe('the allow-listed advisories stay unreachable (issue 12, item 12)', function () {
  this.timeout(30_000);
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it('when the source is read, then no restify plugin (body parser, multipart, static files) is used anywhere', () => {
    for (const file of sourceFiles(SRC)) {
      const text = fs.readFileSync(file, 'utf8');
      assert.doesNotMatch(
        text,
        /\bplugins\s*\.|restify\/lib\/plugins|serveStatic|bodyParser|multipartBodyParser|require\(['"](formidable|send)['"]\)|from ['"](formidable|send)['"]/,
        path.relative(SRC, file),
      );
    }
  });

  it('when the server is built, then every route has at most one parameter per path segment', () => {
    const routes: string[] = [];
    for (const file of sourceFiles(path.join(SRC, 'server'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/server\.(?:get|post|put|del|patch|head|opts)\(\s*['"]([^'"]+)['"]/g)) routes.push(m[1]!);
    }
    assert.ok(routes.includes('/api/messages') && routes.includes('/healthz') && routes.includes('/downloads/:token'), routes.join(', '));
    for (const route of routes) {
      for (const segment of route.split('/')) assert.ok((segment.match(/:/g) ?? []).length <= 1, `${route}: two parameters in "${segment}"`);
    }
  });

  it('when a multipart upload is posted, then it is refused (415) before anything parses it, and static paths are not served', async () => {
    const boundary = 'keyward-boundary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.ps1"\r\nContent-Type: application/octet-stream\r\n\r\nWrite-Host hi\r\n--${boundary}--\r\n`;
    const response = await fetch(`${harness.url}/api/messages`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    assert.equal(response.status, 415);
    assert.equal((await fetch(`${harness.url}/package.json`)).status, 404);
  });
});
