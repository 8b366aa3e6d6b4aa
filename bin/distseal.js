#!/usr/bin/env node
// Start-up only: cache compiled code, answer a bare `--version` and `--help` without loading the
// CLI, else load the bundled CLI (dist/cli/distseal.mjs, made by `npm run build`) when it exists,
// or the tsc build. Built-ins come from process.getBuiltinModule where Node has it (22.3+): an
// ESM import of node:fs builds its whole namespace, loading fs streams that start-up never uses.
const builtin = async (name) => process.getBuiltinModule?.(name) ?? (await import(name));
const fs = await builtin('node:fs');
const module = await builtin('node:module');
const os = await builtin('node:os');
const path = await builtin('node:path');

// Node 22.1+ keeps V8's compiled code between runs. Not in Node's default, the shared temp dir
// (another user could plant code there, and a program that holds signing keys must not run it),
// but in the user's own cache dir; NODE_COMPILE_CACHE=dir still wins, NODE_DISABLE_COMPILE_CACHE=1
// turns it off. Older Nodes lack the function, and a cache that cannot be used never stops the CLI.
try {
  const xdg = process.env.XDG_CACHE_HOME;
  const cacheHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  module.enableCompileCache?.(path.join(cacheHome, 'distseal', 'node-compile-cache'));
} catch {
  // no cache: the same CLI, compiled afresh
}

const readJson = (relative) => JSON.parse(fs.readFileSync(new URL(relative, import.meta.url), 'utf8'));

/**
 * The top-level help as laid out at build time (dist/cli/help.json: English, 100 columns), when
 * it is exactly what yargs would print here: output at least 100 columns wide (or not a terminal)
 * and no yargs message catalogue but English for the locale (yargs reads LC_ALL, LC_MESSAGES,
 * LANG, LANGUAGE in that order, then falls back from de_AT to de).
 */
function prebuiltHelp() {
  const columns = process.stdout.columns;
  if (columns !== undefined && columns < 100) return undefined;
  let help;
  try {
    help = readJson('../dist/cli/help.json');
  } catch {
    return undefined;
  }
  const env = process.env;
  const locale = (env.LC_ALL || env.LC_MESSAGES || env.LANG || env.LANGUAGE || 'en_US').replace(/[.:].*/, '');
  const language = locale.split('_')[0];
  const catalogue = help.catalogues.includes(locale)
    ? locale
    : locale.includes('_') && help.catalogues.includes(language)
      ? language
      : undefined;
  return catalogue === 'en' || (catalogue === undefined && help.sameWithoutCatalogue) ? help.text : undefined;
}

/**
 * `distseal verify FILE...` first tries the fast path (dist/cli/verify-fast.mjs: no yargs, no
 * openpgp.js, src/cli/verify-fast.ts). It prints only when every file verified, exactly as the
 * full CLI would; otherwise (or on any error) it prints nothing and the full CLI runs.
 * DISTSEAL_NO_FAST=1 skips it.
 */
async function fastVerify(argv) {
  if (argv[0] !== 'verify' || process.env.DISTSEAL_NO_FAST === '1') return undefined;
  try {
    const bundle = new URL('../dist/cli/verify-fast.mjs', import.meta.url);
    const { runFastVerify } =
      !process.env.NODE_V8_COVERAGE && fs.existsSync(bundle)
        ? await import(bundle.href)
        : await import('../dist/src/cli/verify-fast.js');
    return await runFastVerify(argv);
  } catch {
    return undefined;
  }
}

const argv = process.argv.slice(2);
const help = argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h') ? prebuiltHelp() : undefined;
const fast = await fastVerify(argv);
if (fast !== undefined) {
  process.exitCode = fast;
} else if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${readJson('../package.json').version}\n`);
} else if (help !== undefined) {
  process.stdout.write(help);
} else {
  // Under coverage (c8 sets NODE_V8_COVERAGE) the tsc build runs: its source maps match src/
  // statement for statement, so coverage counts the code as written; test/cli/bundle.test.ts and
  // scripts/smoke.sh run the bundle itself.
  const bundle = new URL('../dist/cli/distseal.mjs', import.meta.url);
  const { main } =
    !process.env.NODE_V8_COVERAGE && fs.existsSync(bundle)
      ? await import(bundle.href)
      : await import('../dist/src/cli/main.js');
  main(argv).then((code) => {
    process.exitCode = code;
  });
}
