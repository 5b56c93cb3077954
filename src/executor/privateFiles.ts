import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a file only its owner can read (0600) in a directory only its owner can enter (0700):
 * written to a temporary name, flushed to disk, then renamed, so a crash leaves either the old
 * file or the whole new one, never half of it. `exclusive` refuses to replace an existing file
 * (two processes creating the same key: the second one fails instead of overwriting).
 */
export function writePrivateFile(file: string, data: string | Buffer, options: { exclusive?: boolean } = {}): void {
  const content = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (options.exclusive) {
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      fs.writeSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}
