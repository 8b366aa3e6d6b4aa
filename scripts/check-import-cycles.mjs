#!/usr/bin/env node
// Fails (exit 1) when the relative imports under src/ form a circle, type-only imports and
// dynamic import() included. Run by `npm test` (issue 8: no import circles).
import fs from 'node:fs';
import path from 'node:path';
import { tsFilesUnder } from './ts-files.mjs';

const root = process.argv[2] ?? 'src';
const files = tsFilesUnder(root);

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gs;
const graph = new Map();
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const deps = new Set();
  for (const m of text.matchAll(IMPORT)) {
    const target = path.join(path.dirname(file), m[1] ?? m[2]).replace(/\.js$/, '.ts');
    if (fs.existsSync(target)) deps.add(target);
  }
  graph.set(file, [...deps]);
}

// Tarjan's strongly connected components: any component of two or more files is a circle.
let next = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const circles = [];
function visit(v) {
  index.set(v, next);
  low.set(v, next++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component.sort());
  }
}
for (const v of graph.keys()) if (!index.has(v)) visit(v);

if (circles.length > 0) {
  for (const c of circles) process.stderr.write(`import circle: ${c.join(' <-> ')}\n`);
  process.stderr.write(
    `${circles.length} import circle(s) under ${root}/. Move the shared part into a module both can import.\n`,
  );
  process.exit(1);
}
process.stdout.write(`no import circles in ${graph.size} files under ${root}/\n`);
