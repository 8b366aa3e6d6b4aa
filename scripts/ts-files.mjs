// The .ts files below a directory, for the lint checks (check-file-size, check-import-cycles).
import fs from 'node:fs';
import path from 'node:path';

export function tsFilesUnder(root) {
  const files = [];
  (function walk(dir) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  })(root);
  return files;
}
