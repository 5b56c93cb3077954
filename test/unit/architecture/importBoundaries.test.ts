import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');
const DEPCRUISE = path.join(ROOT, 'node_modules', '.bin', 'depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Runs the project's boundary rules over a tree of tiny files laid out like src/. */
async function violationsIn(files: Record<string, string>): Promise<Violation[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-boundaries-'));
  try {
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true } }));
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const { stdout } = await run(DEPCRUISE, ['src', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd: dir }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
    );
    return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('import boundaries (dependency-cruiser rules in npm test)', function () {
  this.timeout(60_000);

  it('when the real source tree is checked, then it keeps every rule', async () => {
    const { stdout } = await run(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: ROOT });
    assert.match(stdout, /no dependency violations found/);
  });

  it('when the bot builds a store, the core imports a domain folder, a card renderer reads a file or the emulator model imports HTTP, then each is named by its rule', async () => {
    const violations = await violationsIn({
      'src/store/thingStore.ts': 'export class ThingStore {}\n',
      'src/bot/thingFeature.ts': "import { ThingStore } from '../store/thingStore';\nexport const feature = new ThingStore();\n",
      'src/approvals/rule.ts': 'export const rule = 1;\n',
      'src/core/kernel.ts': "import { rule } from '../approvals/rule';\nexport const kernel = rule;\n",
      'src/bot/cards/thingCard.ts': "import fs from 'fs';\nexport const card = () => fs.readFileSync('x');\n",
      'src/emulator/http/server.ts': 'export const server = 1;\n',
      'src/emulator/model/state.ts': "import { server } from '../http/server';\nexport const state = server;\n",
    });
    const named = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    assert.deepEqual(named, [
      'bot-constructs-no-stores: src/bot/thingFeature.ts → src/store/thingStore.ts',
      'cards-are-pure: src/bot/cards/thingCard.ts → fs',
      'core-is-the-kernel: src/core/kernel.ts → src/approvals/rule.ts',
      'emulator-model-knows-no-http: src/emulator/model/state.ts → src/emulator/http/server.ts',
    ]);
  });
});
