import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * distseal's own version, from the package.json of the installed package (found by walking up
 * from this file, so it works from the tsc build and from a bundle). The CLI hands it to the core
 * (the User-Agent); the core never looks it up itself.
 */
export function distsealVersion(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'distseal' && pkg.version) return (cached = pkg.version);
    } catch {
      /* not here: look one level up */
    }
    dir = path.dirname(dir);
  }
  return (cached = 'unknown');
}
