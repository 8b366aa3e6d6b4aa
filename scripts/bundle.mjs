#!/usr/bin/env node
// The CLI as one file: dist/cli/distseal.mjs, bundled by esbuild from tsc's output
// (dist/src/cli/main.js), so `npm run build` runs tsc first. bin/distseal.js loads it when it
// exists, else the tsc build. One file means one read and one compile (cached between runs by
// Node's compile cache) instead of about 80 module resolutions at every start. Modules that the
// CLI imports lazily (each command, openpgp behind them) stay lazy: esbuild runs their top level
// only when the import() runs.
//
// Adjustments that keep the bundle's behaviour identical to the tsc build (test/cli/bundle.test.ts
// compares the two):
// - Node built-ins are required where a module first runs, not imported at the top of the
//   bundle: an ESM import of node:http builds its whole namespace (and starts undici), which
//   `--version` or `verify` never need.
// - yargs' platform shim: its message catalogues (locales/*.json) are copied beside the bundle
//   and its help layout code loads on first use (YARGS_EDITS; the build fails if yargs changes).
// - @github/keytar (a native addon) and openpgp (LGPL-3.0: it stays the installed, replaceable
//   package, as for the library) are not bundled; they load from node_modules as before.
//   Starting is as fast either way (Node's compile cache covers node_modules too).
// - import.meta.url in a module of the tsc build is that module's own URL in the tsc build (the
//   verify DIR workers' module, the advisory data in data/, package.json, require()).
// - dist/cli/THIRD-PARTY-LICENSES.txt: the license of every package inside the bundle.
// - dist/cli/help.json: the top-level --help, laid out by the bundle at build time, for bin.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/**
 * A module of the tsc build that reads import.meta.url (the verify DIR workers' module beside it,
 * the bundled advisory data under data/, package.json, require()) means its own file. In the
 * bundle import.meta.url is dist/cli/distseal.mjs, so each use is rebased to the URL of that same
 * module in the tsc build (dist/src/..., shipped beside the bundle).
 */
const moduleUrls = {
  name: 'module-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const own = path.relative(outDir, args.path).split(path.sep).join('/');
      const contents = text.replaceAll(
        'import.meta.url',
        `new URL(${JSON.stringify(own)}, import.meta.url).href`,
      );
      return { contents, loader: 'js' };
    });
  },
};

/** Lines of yargs' platform shim replaced in the bundle; the build fails if yargs changes them. */
const YARGS_EDITS = [
  // y18n reads dist/cli/locales (copied there below) instead of a path inside node_modules.
  [
    "directory: resolve(__dirname, '../../../locales')",
    "directory: resolve(fileURLToPath(new URL('.', import.meta.url)), 'locales')",
  ],
  // The help layout code (cliui, string-width, wrap-ansi) loads when help is laid out, not at
  // every start: string-width builds an Intl.Segmenter (ICU data, ~12 ms) as it loads.
  ["import cliui from 'cliui'\n", ''],
  ["import stringWidth from 'string-width';\n", "import { cliui, stringWidth } from 'distseal:lazy-text';\n"],
];

/** Loaded on first call, from yargs' own folder (so each package keeps its own string-width). */
const LAZY_TEXT = `export function cliui(options) { return require('cliui').default(options); }
export function stringWidth(text) { return require('string-width').default(text); }
`;

const yargsShim = {
  name: 'yargs-shim',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      for (const [from, to] of YARGS_EDITS) {
        if (!contents.includes(from)) throw new Error(`${args.path} no longer has ${JSON.stringify(from)}`);
        contents = contents.replace(from, to);
      }
      return { contents, loader: 'js' };
    });
    b.onResolve({ filter: /^distseal:lazy-text$/ }, (args) => ({
      path: 'lazy-text',
      namespace: 'distseal-lazy-text',
      pluginData: { resolveDir: args.resolveDir },
    }));
    b.onLoad({ filter: /.*/, namespace: 'distseal-lazy-text' }, (args) => ({
      contents: LAZY_TEXT,
      resolveDir: args.pluginData.resolveDir,
      loader: 'js',
    }));
  },
};

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
/** The license text of each package with code in the bundle (from its folder in node_modules). */
async function thirdPartyLicenses(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  const parts = [];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(await readFile(path.join(root, dir, 'package.json'), 'utf8'));
    const file = (await readdir(path.join(root, dir))).find((f) => /^(license|licence|copying)/i.test(f));
    const text = file ? await readFile(path.join(root, dir, file), 'utf8') : `License: ${pkg.license}`;
    parts.push(`${pkg.name}@${pkg.version} (${pkg.license})\n\n${text.trim()}\n`);
  }
  return `Packages bundled into distseal.mjs, with their licenses.\n\n${parts.join(`\n${'-'.repeat(72)}\n\n`)}`;
}

/** What both bundles share: one ESM file for Node 22+, with require() made for CommonJS code. */
const common = {
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
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
  metafile: true,
  logLevel: 'warning',
};

const result = await build({
  ...common,
  entryPoints: { distseal: entry },
  external: ['@github/keytar', 'openpgp'],
  plugins: [lazyBuiltins, yargsShim, moduleUrls],
  legalComments: 'none', // collected into THIRD-PARTY-LICENSES.txt below
  sourcemap: 'linked',
  sourcesContent: false,
});
/**
 * dist/cli/verify-fast.mjs: the fast path of `verify FILE...` (src/cli/verify-fast.ts), loaded by
 * bin before the CLI. Its point is what it leaves out: the build fails if yargs or openpgp.js (or
 * anything but distseal's own modules) found their way into it.
 */
const fast = await build({
  ...common,
  entryPoints: { 'verify-fast': path.join(root, 'dist', 'src', 'cli', 'verify-fast.js') },
  plugins: [lazyBuiltins, moduleUrls],
  legalComments: 'none',
});
const foreign = Object.keys(fast.metafile.inputs).filter(
  (i) => !/^dist\/src\//.test(i) && !/^lazy-builtin:/.test(i),
);
if (foreign.length > 0)
  throw new Error(`verify-fast.mjs must hold only distseal's own modules: ${foreign.join(', ')}`);
await writeFile(path.join(outDir, 'THIRD-PARTY-LICENSES.txt'), await thirdPartyLicenses(result.metafile));
await cp(path.join(root, 'node_modules', 'yargs', 'locales'), path.join(outDir, 'locales'), {
  recursive: true,
});

/**
 * The top-level `--help` text, laid out now by the bundle itself (English, 100 columns: what a
 * pipe or a wide terminal gets), so bin/distseal.js can print it without loading yargs. It also
 * records which message catalogues exist, so bin can tell when yargs would have translated it.
 */
function renderHelp(locale) {
  const script = `import { main } from ${JSON.stringify(pathToFileURL(path.join(outDir, 'distseal.mjs')).href)};
process.exitCode = await main(['--help']);`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', LC_ALL: locale, DISTSEAL_NO_INTERACTIVE: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}
const text = renderHelp('en_US.UTF-8');
const catalogues = (await readdir(path.join(outDir, 'locales'))).map((f) => f.replace(/\.json$/, ''));
await writeFile(
  path.join(outDir, 'help.json'),
  `${JSON.stringify({ text, catalogues, sameWithoutCatalogue: renderHelp('C') === text })}\n`,
);
