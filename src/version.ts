import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/** Keyward's version from package.json (found upward from this file, so it works from src and dist). */
export function keywardVersion(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (let i = 0; i < 5; i += 1) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      cached = (JSON.parse(fs.readFileSync(candidate, 'utf8')) as { version: string }).version;
      return cached;
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}
