/** Regenerates appPackage/color.png and outline.png from src/package/icons.ts. */
import fs from 'node:fs';
import path from 'node:path';
import { drawColorIcon, drawOutlineIcon } from '../src/package/icons';

const dir = path.resolve(__dirname, '..', 'appPackage');
fs.writeFileSync(path.join(dir, 'color.png'), drawColorIcon());
fs.writeFileSync(path.join(dir, 'outline.png'), drawOutlineIcon());
console.log('icons written');
