#!/usr/bin/env node
// Start-up only: cache compiled code, answer a bare `--version` from package.json, and load the
// bundled CLI (dist/cli/distseal.mjs, `npm run build`) when it exists, else the tsc build.
// Built-ins come from process.getBuiltinModule where Node has it (22.3+): an ESM import of
// node:fs would build its whole namespace, loading fs streams and more that start-up never uses.
const builtin = async (name) => process.getBuiltinModule?.(name) ?? (await import(name));
const fs = await builtin('node:fs');
const module = await builtin('node:module');

// Node 22.1+ keeps V8's compiled code between runs (in the OS temp dir, or NODE_COMPILE_CACHE);
// older Nodes lack the function, and a cache that cannot be used must never stop the CLI.
try {
  module.enableCompileCache?.();
} catch {
  // no cache: the same CLI, compiled afresh
}

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const bundle = new URL('../dist/cli/distseal.mjs', import.meta.url);
  const { main } = fs.existsSync(bundle)
    ? await import(bundle.href)
    : await import('../dist/src/cli/main.js');
  main(argv).then((code) => {
    process.exitCode = code;
  });
}
