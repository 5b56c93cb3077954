import path from 'node:path';

/** Is `child` the directory `parent` or somewhere below it (after resolving both)? */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
