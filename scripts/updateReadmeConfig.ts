/** `npm run docs:config`: rewrites the README's configuration table from src/config/settings.ts. */
import fs from 'node:fs';
import path from 'node:path';
import { renderConfigTable } from '../src/config';

const file = path.resolve(__dirname, '..', 'README.md');
const readme = fs.readFileSync(file, 'utf8');
const updated = readme.replace(/(<!-- config:start -->\n)[\s\S]*?(\n<!-- config:end -->)/, `$1${renderConfigTable()}$2`);
if (updated === readme) console.log('README configuration table already up to date');
else {
  fs.writeFileSync(file, updated);
  console.log('README configuration table updated');
}
