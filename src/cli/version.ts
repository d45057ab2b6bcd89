/** The version `tally --version` prints: package.json's, read where this file is installed. */
import { readFileSync } from 'node:fs';

/**
 * Read at run time, not copied in at build time, so a checkout, a global install and an
 * `npm pack`ed tarball each report the package.json they ship with: the nearest one above this
 * file that has a version (dist/src/cli/ sits three levels below Tally's own).
 */
export function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const file = new URL('package.json', dir);
    const text = readIfPresent(file);
    const version: unknown = text === undefined ? undefined : (JSON.parse(text) as { version?: unknown }).version;
    if (typeof version === 'string') return version;
    if (new URL('../', dir).href === dir.href) throw new Error('no package.json with a version above the tally executable');
  }
}

function readIfPresent(file: URL): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
