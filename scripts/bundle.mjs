#!/usr/bin/env node
// The CLI as one file: dist/cli/distseal.mjs, bundled by esbuild from tsc's output
// (dist/src/cli/main.js), so `npm run build` runs tsc first. bin/distseal.js loads it when it
// exists, else the tsc build. One file means one read and one compile (cached between runs by
// Node's compile cache) instead of about 80 module resolutions at every start.
//
// Three adjustments keep the bundle's behaviour identical to the tsc build:
// - Node built-ins are required where a module first runs, not imported at the top of the
//   bundle: an ESM import of node:http builds its whole namespace (and starts undici), which
//   `--version` or `verify` never need.
// - yargs finds its message catalogue (locales/*.json) beside its own file; they are copied
//   beside the bundle and the path is rewritten (the build fails if yargs changes that line).
// - @github/keytar (a native addon) stays outside and is loaded from node_modules as before.
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'cli');
const entry = path.join(root, 'dist', 'src', 'cli', 'main.js');

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** `import x from 'node:fs'` becomes a lazily evaluated `require('node:fs')`. */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^[a-z:_/]+$/ }, (args) => {
      if (!builtins.has(args.path) || args.namespace === 'lazy-builtin') return undefined;
      if (args.kind !== 'import-statement') return { path: args.path, external: true };
      return { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' };
    });
    b.onResolve({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

const YARGS_LOCALES = "directory: resolve(__dirname, '../../../locales')";

/** Point yargs' y18n at dist/cli/locales (copied there below). */
const yargsLocales = {
  name: 'yargs-locales',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes(YARGS_LOCALES))
        throw new Error(`${args.path}: the locale directory line changed; update scripts/bundle.mjs`);
      const contents = text.replace(
        YARGS_LOCALES,
        "directory: resolve(fileURLToPath(new URL('.', import.meta.url)), 'locales')",
      );
      return { contents, loader: 'js' };
    });
  },
};

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
await build({
  entryPoints: { distseal: entry },
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['@github/keytar'],
  plugins: [lazyBuiltins, yargsLocales],
  // CommonJS dependencies call require(); ESM output has none unless we make one.
  banner: {
    js: [
      'const { createRequire: __distsealRequire } =',
      "  process.getBuiltinModule?.('node:module') ?? (await import('node:module'));",
      'const require = __distsealRequire(import.meta.url);',
    ].join('\n'),
  },
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'none',
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
});
await cp(path.join(root, 'node_modules', 'yargs', 'locales'), path.join(outDir, 'locales'), {
  recursive: true,
});
